namespace Collectives.Kernels.Loops;

/// <summary>
/// Whether the reduction loop also stores each result to a second destination (the fused
/// reduce-and-copy of a pipelined ring step). A type parameter rather than a flag, so the JIT
/// compiles each loop with the extra stores either present or absent, never tested per vector.
/// </summary>
internal interface ICopyPolicy
{
    static abstract bool Enabled { get; }
}
