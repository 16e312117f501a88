namespace Collectives.Cli.Run;

/// <summary>How to start this very tool again (perf starting its own ranks): the apphost, or dotnet with this assembly.</summary>
internal static class SelfProgram
{
    public static (string Program, IReadOnlyList<string> Arguments) Resolve(IReadOnlyList<string> arguments)
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program this process runs.");
        bool viaDotnet = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return viaDotnet
            ? (process, [typeof(SelfProgram).Assembly.Location, .. arguments])
            : (process, arguments.ToArray());
    }
}
