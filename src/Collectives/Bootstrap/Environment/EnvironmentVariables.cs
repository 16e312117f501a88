namespace Collectives.Bootstrap;

/// <summary>The names of every environment variable the bootstrap reads, by launcher.</summary>
public static class EnvironmentVariables
{
    // Ours; they win over every launcher's.
    public const string Rank = "COLLECTIVES_RANK";
    public const string Size = "COLLECTIVES_SIZE";
    public const string LocalRank = "COLLECTIVES_LOCAL_RANK";
    public const string LocalSize = "COLLECTIVES_LOCAL_SIZE";
    public const string Rendezvous = "COLLECTIVES_RENDEZVOUS";
    public const string JobId = "COLLECTIVES_JOB_ID";
    public const string Secret = "COLLECTIVES_SECRET";
    public const string HostId = "COLLECTIVES_HOST_ID";
    public const string Transports = "COLLECTIVES_TRANSPORTS";
    public const string Algorithm = "COLLECTIVES_ALGO";
    public const string Timeout = "COLLECTIVES_TIMEOUT";
    public const string LogLevel = "COLLECTIVES_LOG_LEVEL";
    public const string TcpAddress = "COLLECTIVES_TCP_ADDRESS";
    public const string TuneFile = "COLLECTIVES_TUNE_FILE";
    public const string Channels = "COLLECTIVES_CHANNELS";
    /// <summary>Faults to inject into every link, for tests (see <see cref="Collectives.Transport.Faults.FaultSpecParser"/>).</summary>
    public const string Faults = "COLLECTIVES_FAULTS";
    /// <summary>Optical circuits to emulate on every link (see <see cref="Collectives.Transport.Circuits.CircuitSpecParser"/>).</summary>
    public const string Circuits = "COLLECTIVES_CIRCUITS";
    public const string TopologyFile = "COLLECTIVES_TOPOLOGY_FILE";
    /// <summary>The libfabric provider of the rdma transport: verbs, efa, tcp, shm or auto (see <see cref="Collectives.Transport.Rdma.RdmaProviders"/>).</summary>
    public const string RdmaProvider = "COLLECTIVES_RDMA_PROVIDER";

    // torchrun (torch.distributed.run). MASTER_PORT is torchrun's own store: never bind it.
    public const string TorchRank = "RANK";
    public const string TorchWorldSize = "WORLD_SIZE";
    public const string TorchLocalRank = "LOCAL_RANK";
    public const string TorchLocalWorldSize = "LOCAL_WORLD_SIZE";
    public const string MasterAddr = "MASTER_ADDR";
    public const string MasterPort = "MASTER_PORT";
    public const string TorchRunId = "TORCHELASTIC_RUN_ID";

    // Open MPI (mpirun 4.1 sets OMPI_MCA_ess_base_jobid and PMIX_NAMESPACE; 5.x only PMIX_NAMESPACE).
    public const string OmpiRank = "OMPI_COMM_WORLD_RANK";
    public const string OmpiSize = "OMPI_COMM_WORLD_SIZE";
    public const string OmpiLocalRank = "OMPI_COMM_WORLD_LOCAL_RANK";
    public const string OmpiLocalSize = "OMPI_COMM_WORLD_LOCAL_SIZE";
    public const string OmpiJobId = "OMPI_MCA_ess_base_jobid";
    public const string OmpiOrteJobId = "OMPI_MCA_orte_ess_jobid";
    public const string PmixNamespace = "PMIX_NAMESPACE";
    /// <summary>mpirun's own contact address: unique to one mpirun while it lives, so it tells apart jobs whose 16-bit job family collides.</summary>
    public const string OmpiLauncherUri = "OMPI_MCA_orte_hnp_uri";

    // MPICH / Hydra.
    public const string PmiRank = "PMI_RANK";
    public const string PmiSize = "PMI_SIZE";
    public const string MpichLocalRank = "MPI_LOCALRANKID";
    public const string MpichLocalSize = "MPI_LOCALNRANKS";

    // Slurm (srun).
    public const string SlurmProcId = "SLURM_PROCID";
    public const string SlurmNTasks = "SLURM_NTASKS";
    public const string SlurmLocalId = "SLURM_LOCALID";
    public const string SlurmJobId = "SLURM_JOB_ID";
    public const string SlurmStepId = "SLURM_STEP_ID";
    public const string SlurmStepNodes = "SLURM_STEP_NUM_NODES";
    public const string SlurmJobNodes = "SLURM_JOB_NUM_NODES";

    /// <summary>Every variable above, in the order an error message lists those it found.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Rank, Size, LocalRank, LocalSize, Rendezvous, JobId, Secret, HostId, Transports, Algorithm, Timeout, LogLevel, TcpAddress, TuneFile, Channels, Faults, Circuits, TopologyFile, RdmaProvider,
        TorchRank, TorchWorldSize, TorchLocalRank, TorchLocalWorldSize, MasterAddr, MasterPort, TorchRunId,
        OmpiRank, OmpiSize, OmpiLocalRank, OmpiLocalSize, OmpiJobId, OmpiOrteJobId, PmixNamespace, OmpiLauncherUri,
        PmiRank, PmiSize, MpichLocalRank, MpichLocalSize,
        SlurmProcId, SlurmNTasks, SlurmLocalId, SlurmJobId, SlurmStepId, SlurmStepNodes, SlurmJobNodes,
    ];
}
