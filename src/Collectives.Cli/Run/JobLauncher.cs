using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Collectives.Bootstrap;
using Collectives.Security;

namespace Collectives.Cli.Run;

/// <summary>
/// Starts a local job: serves the rendezvous store in this process, gives each rank its
/// environment (rank, size, local rank, store address, a fresh job id and secret), and runs the
/// ranks as a <see cref="RankProcessGroup"/>. Used by <c>collectives run</c> and by perf when it
/// starts its own ranks.
/// </summary>
internal static class JobLauncher
{
    public static async Task<RankGroupResult> RunAsync(JobLaunchRequest request, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        string jobId = "run-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var credentials = JobCredentials.Create(jobId, secret);
        await using TcpStoreServer store = TcpStoreServer.Start(new IPEndPoint(IPAddress.Loopback, 0), credentials,
            message => error.WriteLine($"collectives run: {message}"));
        var environments = new List<IReadOnlyDictionary<string, string>>(request.Ranks);
        for (int rank = 0; rank < request.Ranks; rank++)
        {
            var environment = new Dictionary<string, string>(request.Environment)
            {
                [EnvironmentVariables.Rank] = rank.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.Size] = request.Ranks.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.LocalRank] = rank.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.LocalSize] = request.Ranks.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.Rendezvous] = store.Address,
                [EnvironmentVariables.JobId] = jobId,
                [EnvironmentVariables.Secret] = secret,
            };
            environments.Add(environment);
        }
        var group = new RankProcessGroup(output, error, request.Prefix);
        Task<RankGroupResult> running = request.BindCores
            ? group.RunAsync(CoreBinding.Commands(request.Program, request.Arguments, request.Ranks, TopologyDetection.AllowedCpus()), environments,
                cancellationToken)
            : group.RunAsync(request.Program, request.Arguments, environments, cancellationToken);
        return await running.ConfigureAwait(false);
    }

    /// <summary>The message and exit code <c>collectives run</c> ends with.</summary>
    public static int Report(RankGroupResult result, TextWriter error, string command)
    {
        if (result.Canceled)
        {
            error.WriteLine($"{command}: interrupted; stopped every rank.");
            return ExitCodes.Canceled;
        }
        if (result.FirstFailure is { } failure)
        {
            string why = failure.StandardErrorTail.Length == 0 ? "" : ":" + Environment.NewLine + failure.StandardErrorTail;
            error.WriteLine($"{command}: rank {failure.Rank} failed first (exit code {failure.ExitCode}); stopped the others{why}");
            return failure.ExitCode is > 0 and < 256 ? failure.ExitCode : ExitCodes.Failure;
        }
        return ExitCodes.Success;
    }
}
