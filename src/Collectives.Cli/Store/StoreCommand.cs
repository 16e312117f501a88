using System.Globalization;
using System.Net;
using Collectives.Bootstrap;
using Collectives.Security;

namespace Collectives.Cli.Store;

/// <summary>
/// <c>collectives store --port P [--host ADDRESS] --job-id ID</c>: a standalone rendezvous store
/// (the secret comes from COLLECTIVES_SECRET). Ranks point COLLECTIVES_RENDEZVOUS at it; it
/// serves until interrupted.
/// </summary>
internal static class StoreCommand
{
    public const string Usage = """
        Usage: collectives store --port P --job-id ID [--host ADDRESS]

        Serves the rendezvous store of job ID on ADDRESS:P (default 127.0.0.1) until Ctrl+C.
        Connections must pass the job's handshake; set COLLECTIVES_SECRET to the job's secret.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        int port = -1;
        string? jobId = null;
        IPAddress host = IPAddress.Loopback;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    output.Write(Usage);
                    return ExitCodes.Success;
                case "--port" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is >= 0 and <= 65535:
                    port = p;
                    i++;
                    break;
                case "--job-id" when i + 1 < args.Count && args[i + 1].Length > 0:
                    jobId = args[++i];
                    break;
                case "--host" when i + 1 < args.Count && IPAddress.TryParse(args[i + 1], out IPAddress? address):
                    host = address;
                    i++;
                    break;
                default:
                    error.WriteLine($"collectives store: bad or incomplete option '{args[i]}'.");
                    error.Write(Usage);
                    return ExitCodes.Usage;
            }
        }
        if (port < 0 || jobId is null)
        {
            error.WriteLine("collectives store: --port and --job-id are required.");
            error.Write(Usage);
            return ExitCodes.Usage;
        }
        var credentials = JobCredentials.Create(jobId, Environment.GetEnvironmentVariable(EnvironmentVariables.Secret));
        output.WriteLine($"collectives store: job {jobId} on {host}:{port}{(credentials.IsAuthenticated ? "" : " (no COLLECTIVES_SECRET: not authenticated)")}");
        try
        {
            await TcpStoreServer.RunAsync(new IPEndPoint(host, port), credentials, message => error.WriteLine($"collectives store: {message}"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }
        return ExitCodes.Success;
    }
}
