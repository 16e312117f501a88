using Collectives.Bootstrap;

namespace Collectives.Cli.Run;

/// <summary>Whether this process was started as one rank of a job (our launcher, mpirun, torchrun, MPICH).</summary>
internal static class LaunchDetection
{
    public static bool IsLaunched(Func<string, string?> environment) =>
        environment(EnvironmentVariables.Rank) is not null ||
        environment(EnvironmentVariables.OmpiRank) is not null ||
        environment(EnvironmentVariables.PmiRank) is not null ||
        (environment(EnvironmentVariables.TorchRank) is not null && environment(EnvironmentVariables.TorchWorldSize) is not null);

    public static bool IsLaunched() => IsLaunched(Environment.GetEnvironmentVariable);
}
