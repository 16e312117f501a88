namespace Collectives.Bootstrap;

/// <summary>Which launcher's variables said where this process stands in its job.</summary>
public enum LauncherConvention
{
    /// <summary>Our own COLLECTIVES_RANK / COLLECTIVES_SIZE (set by <c>collectives run</c> or by hand).</summary>
    Collectives,
    /// <summary>torchrun (torch.distributed.run): RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT.</summary>
    Torchrun,
    /// <summary>Open MPI's mpirun: OMPI_COMM_WORLD_RANK / SIZE / LOCAL_RANK / LOCAL_SIZE.</summary>
    OpenMpi,
    /// <summary>MPICH's Hydra (mpiexec): PMI_RANK, PMI_SIZE, MPI_LOCALRANKID, MPI_LOCALNRANKS.</summary>
    Mpich,
    /// <summary>Slurm's srun: SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID.</summary>
    Slurm,
}
