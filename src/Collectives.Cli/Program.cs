namespace Collectives.Cli;

/// <summary>Entry point of the <c>collectives</c> tool: wires Ctrl+C to cancellation and dispatches.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the ranks' collectives see the cancellation and the command report it, instead of dying mid-line.
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await CommandDispatcher.RunAsync(args, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false);
    }
}
