namespace Collectives.Cli.Perf;

/// <summary>The two measurements per size, as nccl-tests makes them.</summary>
internal enum Placement
{
    /// <summary>Input and output are separate buffers.</summary>
    OutOfPlace,

    /// <summary>The output is the input buffer (or, for gathers and scatters, the rank's block of it).</summary>
    InPlace,
}
