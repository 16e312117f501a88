namespace Collectives.Cli.Perf;

/// <summary>Where perf's results go: the nccl-tests table, or JSON for machines.</summary>
internal interface IPerfReporter
{
    /// <summary>Before the first size: what is about to run.</summary>
    void Begin(PerfOptions options);

    /// <summary>After each size, as soon as its results are in.</summary>
    void Row(PerfRow row);

    /// <summary>After the last size.</summary>
    void End(PerfSummary summary);
}
