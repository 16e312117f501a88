namespace Collectives.Kernels.Loops;

/// <summary>Results go to the destination only.</summary>
internal readonly struct NoCopy : ICopyPolicy
{
    public static bool Enabled => false;
}
