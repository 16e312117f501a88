using System.Security.Cryptography;
using System.Text;
using V = Collectives.Bootstrap.EnvironmentVariables;

namespace Collectives.Bootstrap;

/// <summary>Rank, size and locality as one launcher states them, before the rendezvous is worked out.</summary>
/// <param name="LauncherJobId">The launcher's job id, when it gives one.</param>
/// <param name="SingleHost">The launcher says every rank runs on this host.</param>
internal sealed record Placement(LauncherConvention Source, int Rank, int Size, int? LocalRank, int? LocalSize,
    string? LauncherJobId, bool SingleHost);

/// <summary>Reads <see cref="Placement"/> for each launcher convention (see <see cref="JobEnvironment"/>).</summary>
internal static class LauncherPlacement
{
    private const string OwnNeeded =
        $"{V.Rank} and {V.Size} (0 <= rank < size; {V.LocalRank} and {V.LocalSize} optional), " +
        "or a launcher: torchrun, mpirun (Open MPI), mpiexec (MPICH) or srun (Slurm).";

    public static Placement Read(EnvironmentReader env)
    {
        LauncherConvention? launcher = DetectLauncher(env);
        if (env.Has(V.Rank) || env.Has(V.Size))
        {
            Placement own = ReadOwn(env);
            CheckAgreement(env, own, launcher);
            return own;
        }
        return launcher switch
        {
            LauncherConvention.Torchrun => ReadTorchrun(env),
            LauncherConvention.OpenMpi => ReadOpenMpi(env),
            LauncherConvention.Mpich => ReadMpich(env),
            LauncherConvention.Slurm => ReadSlurm(env),
            _ => throw env.Fail("No launcher variables are set.", OwnNeeded),
        };
    }

    /// <summary>The first launcher, in priority order, that set any of its rank variables.</summary>
    private static LauncherConvention? DetectLauncher(EnvironmentReader env)
    {
        if (env.Has(V.TorchRank) || env.Has(V.TorchWorldSize))
        {
            return LauncherConvention.Torchrun;
        }
        if (env.Has(V.OmpiRank) || env.Has(V.OmpiSize))
        {
            return LauncherConvention.OpenMpi;
        }
        if (env.Has(V.PmiRank) || env.Has(V.PmiSize))
        {
            return LauncherConvention.Mpich;
        }
        return env.Has(V.SlurmProcId) ? LauncherConvention.Slurm : null;
    }

    private static Placement ReadOwn(EnvironmentReader env)
    {
        (int rank, int size, int? localRank, int? localSize) = ReadCounts(env, OwnNeeded, V.Rank, V.Size, V.LocalRank, V.LocalSize);
        return new Placement(LauncherConvention.Collectives, rank, size, localRank, localSize, null,
            SingleHost: size == 1 || localSize == size);
    }

    /// <summary>
    /// Ours win, but a per-process launcher (torchrun, mpirun, mpiexec) that says otherwise means
    /// two launchers are nested or a variable leaked from elsewhere: refuse rather than guess.
    /// Slurm is not checked: everything started inside an allocation inherits its SLURM_PROCID.
    /// </summary>
    private static void CheckAgreement(EnvironmentReader env, Placement own, LauncherConvention? launcher)
    {
        (string rankName, string sizeName) = launcher switch
        {
            LauncherConvention.Torchrun => (V.TorchRank, V.TorchWorldSize),
            LauncherConvention.OpenMpi => (V.OmpiRank, V.OmpiSize),
            LauncherConvention.Mpich => (V.PmiRank, V.PmiSize),
            _ => (null!, null!),
        };
        if (rankName is null)
        {
            return;
        }
        string needed = $"{V.Rank} and {V.Size} equal to {rankName} and {sizeName}, or only one set of variables (unset ours to follow {launcher}).";
        if (env.GetCount(rankName, needed) is int rank && rank != own.Rank)
        {
            throw env.Fail($"{V.Rank}={own.Rank} disagrees with {rankName}={rank} set by {launcher}.", needed);
        }
        if (env.GetCount(sizeName, needed) is int size && size != own.Size)
        {
            throw env.Fail($"{V.Size}={own.Size} disagrees with {sizeName}={size} set by {launcher}.", needed);
        }
    }

    private static Placement ReadTorchrun(EnvironmentReader env)
    {
        const string needed = $"{V.TorchRank}, {V.TorchWorldSize}, {V.MasterAddr} and {V.MasterPort} as torchrun sets them " +
            $"({V.TorchLocalRank} and {V.TorchLocalWorldSize} optional); launch with torchrun --no_python.";
        (int rank, int size, int? localRank, int? localSize) = ReadCounts(env, needed, V.TorchRank, V.TorchWorldSize, V.TorchLocalRank, V.TorchLocalWorldSize);

        // TORCHELASTIC_RUN_ID is "none" unless --rdzv-id was given: then the master address names the job.
        string? runId = env.Get(V.TorchRunId);
        string? master = env.Get(V.MasterAddr) is string addr && env.Get(V.MasterPort) is string port ? $"{addr}:{port}" : null;
        string? jobId = runId is not null && !runId.Equals("none", StringComparison.OrdinalIgnoreCase) ? runId : master;
        return new Placement(LauncherConvention.Torchrun, rank, size, localRank, localSize, jobId, SingleHost: size == 1 || localSize == size);
    }

    private static Placement ReadOpenMpi(EnvironmentReader env)
    {
        const string needed = $"{V.OmpiRank} and {V.OmpiSize} as mpirun sets them ({V.OmpiLocalRank}, {V.OmpiLocalSize} optional; " +
            $"a job spanning hosts also needs {V.Rendezvous}).";
        (int rank, int size, int? localRank, int? localSize) = ReadCounts(env, needed, V.OmpiRank, V.OmpiSize, V.OmpiLocalRank, V.OmpiLocalSize);

        // mpirun 4.1 sets OMPI_MCA_ess_base_jobid (and PMIX_NAMESPACE, equal to it); older ORTE set
        // orte_ess_jobid; 5.x only PMIX_NAMESPACE. The job id's upper 16 bits hash mpirun's host and
        // pid, so ids repeat across runs: mpirun's contact URI (it holds mpirun's port) tells them apart.
        string? jobId = env.Get(V.OmpiJobId) ?? env.Get(V.OmpiOrteJobId) ?? env.Get(V.PmixNamespace);
        if (jobId is not null && env.Get(V.OmpiLauncherUri) is string uri)
        {
            jobId += "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri)))[..8];
        }
        return new Placement(LauncherConvention.OpenMpi, rank, size, localRank, localSize, jobId, SingleHost: size == 1 || localSize == size);
    }

    private static Placement ReadMpich(EnvironmentReader env)
    {
        const string needed = $"{V.PmiRank} and {V.PmiSize} as mpiexec sets them ({V.MpichLocalRank}, {V.MpichLocalSize} optional); " +
            $"Hydra gives no job id in the environment, so also {V.Rendezvous} (or {V.JobId} when every rank is on one host).";
        (int rank, int size, int? localRank, int? localSize) = ReadCounts(env, needed, V.PmiRank, V.PmiSize, V.MpichLocalRank, V.MpichLocalSize);
        return new Placement(LauncherConvention.Mpich, rank, size, localRank, localSize, null, SingleHost: size == 1 || localSize == size);
    }

    private static Placement ReadSlurm(EnvironmentReader env)
    {
        const string needed = $"{V.SlurmProcId} and {V.SlurmNTasks} as srun sets them ({V.SlurmLocalId} optional); " +
            $"a job spanning nodes also needs {V.Rendezvous} or MASTER_ADDR and MASTER_PORT (our store uses MASTER_PORT+1).";
        int rank = env.RequireCount(V.SlurmProcId, needed);
        int size = env.RequireCount(V.SlurmNTasks, needed);
        int? localRank = env.GetCount(V.SlurmLocalId, needed);
        // The step's node count when srun ran us, else the allocation's.
        int? nodes = env.GetCount(V.SlurmStepNodes, needed) ?? env.GetCount(V.SlurmJobNodes, needed);
        int? localSize = nodes == 1 ? size : null;
        Validate(env, needed, (V.SlurmProcId, rank), (V.SlurmNTasks, size), (V.SlurmLocalId, localRank), (V.SlurmStepNodes, localSize));

        string? job = env.Get(V.SlurmJobId);
        string? jobId = job is null ? null : env.Get(V.SlurmStepId) is string step ? $"{job}.{step}" : job;
        return new Placement(LauncherConvention.Slurm, rank, size, localRank, localSize, jobId, SingleHost: size == 1 || nodes == 1);
    }

    /// <summary>A launcher's rank, size and optional local rank and size, read and checked against each other.</summary>
    private static (int Rank, int Size, int? LocalRank, int? LocalSize) ReadCounts(EnvironmentReader env, string needed,
        string rankName, string sizeName, string localRankName, string localSizeName)
    {
        int rank = env.RequireCount(rankName, needed);
        int size = env.RequireCount(sizeName, needed);
        int? localRank = env.GetCount(localRankName, needed);
        int? localSize = env.GetCount(localSizeName, needed);
        Validate(env, needed, (rankName, rank), (sizeName, size), (localRankName, localRank), (localSizeName, localSize));
        return (rank, size, localRank, localSize);
    }

    private static void Validate(EnvironmentReader env, string needed,
        (string Name, int Value) rank, (string Name, int Value) size, (string Name, int? Value) localRank, (string Name, int? Value) localSize)
    {
        if (size.Value == 0)
        {
            throw env.Fail($"{size.Name}=0: a job needs at least one rank.", needed);
        }
        if (rank.Value >= size.Value)
        {
            throw env.Fail($"{rank.Name}={rank.Value} is not below {size.Name}={size.Value}.", needed);
        }
        if (localSize.Value is int ls)
        {
            if (ls == 0 || ls > size.Value)
            {
                throw env.Fail($"{localSize.Name}={ls} must be between 1 and {size.Name}={size.Value}.", needed);
            }
            if (localRank.Value is int lr && lr >= ls)
            {
                throw env.Fail($"{localRank.Name}={lr} is not below {localSize.Name}={ls}.", needed);
            }
        }
        if (localRank.Value is int r && r >= size.Value)
        {
            throw env.Fail($"{localRank.Name}={r} is not below {size.Name}={size.Value}.", needed);
        }
    }
}
