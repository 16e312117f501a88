using Collectives.Cli.Perf;

namespace Collectives.Cli.Check;

/// <summary>A perf reporter that prints nothing: check wants the results, not the table.</summary>
internal sealed class SilentReporter : IPerfReporter
{
    public static SilentReporter Instance { get; } = new();

    public void Begin(PerfOptions options)
    {
    }

    public void Row(PerfRow row)
    {
    }

    public void End(PerfSummary summary)
    {
    }
}
