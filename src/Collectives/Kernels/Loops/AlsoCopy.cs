namespace Collectives.Kernels.Loops;

/// <summary>Results go to the destination and to the copy.</summary>
internal readonly struct AlsoCopy : ICopyPolicy
{
    public static bool Enabled => true;
}
