using System.Net;
using Collectives.Bootstrap;

namespace Collectives.Tests.Bootstrap;

/// <summary>Every launcher convention, as tables of environments and what they must mean; every error's message.</summary>
public sealed class JobEnvironmentTests
{
    private const string Secret = "hunter2-very-secret";

    private static Dictionary<string, string> Env(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>Environment → rank, size, local rank, local size, rendezvous, job id, source.</summary>
    public static TheoryData<string[], int, int, int?, int?, string, string, LauncherConvention> Conventions() => new()
    {
        // Ours.
        { ["COLLECTIVES_RANK=1", "COLLECTIVES_SIZE=4", "COLLECTIVES_RENDEZVOUS=tcp://10.0.0.1:29501", "COLLECTIVES_JOB_ID=j7"],
            1, 4, null, null, "tcp://10.0.0.1:29501", "j7", LauncherConvention.Collectives },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_RENDEZVOUS=10.0.0.1:29501"],
            0, 2, null, null, "tcp://10.0.0.1:29501", "tcp://10.0.0.1:29501", LauncherConvention.Collectives },
        { ["COLLECTIVES_RANK=2", "COLLECTIVES_SIZE=3", "COLLECTIVES_LOCAL_RANK=2", "COLLECTIVES_LOCAL_SIZE=3", "COLLECTIVES_JOB_ID=run-5"],
            2, 3, 2, 3, "file:///tmp/collectives-run-5", "run-5", LauncherConvention.Collectives },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=solo"],
            0, 1, null, null, "file:///tmp/collectives-solo", "solo", LauncherConvention.Collectives },
        { ["COLLECTIVES_RANK=1", "COLLECTIVES_SIZE=2", "COLLECTIVES_RENDEZVOUS=file:///var/run/job", "COLLECTIVES_JOB_ID=x"],
            1, 2, null, null, "file:///var/run/job", "x", LauncherConvention.Collectives },
        { ["COLLECTIVES_RANK=1", "COLLECTIVES_SIZE=2", "COLLECTIVES_RENDEZVOUS=tcp://[fd00::1]:29501", "COLLECTIVES_JOB_ID=x"],
            1, 2, null, null, "tcp://[fd00::1]:29501", "x", LauncherConvention.Collectives },
        // Ours win over Slurm's (inherited inside an allocation) without a contradiction.
        { ["COLLECTIVES_RANK=3", "COLLECTIVES_SIZE=4", "COLLECTIVES_RENDEZVOUS=tcp://h:1", "COLLECTIVES_JOB_ID=x", "SLURM_PROCID=0", "SLURM_NTASKS=1"],
            3, 4, null, null, "tcp://h:1", "x", LauncherConvention.Collectives },
        // Ours agreeing with torchrun's.
        { ["COLLECTIVES_RANK=3", "COLLECTIVES_SIZE=8", "COLLECTIVES_RENDEZVOUS=tcp://node0:7000", "RANK=3", "WORLD_SIZE=8", "MASTER_ADDR=node0", "MASTER_PORT=29500"],
            3, 8, null, null, "tcp://node0:7000", "tcp://node0:7000", LauncherConvention.Collectives },

        // torchrun: our store on MASTER_PORT+1, never on torchrun's own.
        { ["RANK=3", "WORLD_SIZE=8", "LOCAL_RANK=1", "LOCAL_WORLD_SIZE=2", "MASTER_ADDR=node0", "MASTER_PORT=29500", "TORCHELASTIC_RUN_ID=abc"],
            3, 8, 1, 2, "tcp://node0:29501", "abc", LauncherConvention.Torchrun },
        { ["RANK=0", "WORLD_SIZE=2", "LOCAL_RANK=0", "LOCAL_WORLD_SIZE=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=29500", "TORCHELASTIC_RUN_ID=none"],
            0, 2, 0, 2, "tcp://127.0.0.1:29501", "127.0.0.1:29500", LauncherConvention.Torchrun },
        { ["RANK=1", "WORLD_SIZE=2", "MASTER_ADDR=::1", "MASTER_PORT=29500"],
            1, 2, null, null, "tcp://[::1]:29501", "::1:29500", LauncherConvention.Torchrun },
        { ["RANK=1", "WORLD_SIZE=2", "MASTER_ADDR=node0", "MASTER_PORT=29500", "COLLECTIVES_RENDEZVOUS=tcp://store:7000"],
            1, 2, null, null, "tcp://store:7000", "node0:29500", LauncherConvention.Torchrun },
        // torchrun first, even inside Slurm.
        { ["RANK=5", "WORLD_SIZE=8", "MASTER_ADDR=n0", "MASTER_PORT=100", "SLURM_PROCID=1", "SLURM_NTASKS=2", "SLURM_JOB_ID=9"],
            5, 8, null, null, "tcp://n0:101", "n0:100", LauncherConvention.Torchrun },

        // Open MPI 4.1, as mpirun sets it on this machine.
        { ["OMPI_COMM_WORLD_RANK=1", "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_LOCAL_RANK=1", "OMPI_COMM_WORLD_LOCAL_SIZE=2",
           "OMPI_MCA_ess_base_jobid=249954305", "PMIX_NAMESPACE=249954305", "PMIX_RANK=1"],
            1, 2, 1, 2, "file:///tmp/collectives-249954305", "249954305", LauncherConvention.OpenMpi },
        { ["OMPI_COMM_WORLD_RANK=0", "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_LOCAL_SIZE=2", "OMPI_MCA_orte_ess_jobid=42"],
            0, 2, null, 2, "file:///tmp/collectives-42", "42", LauncherConvention.OpenMpi },
        { ["OMPI_COMM_WORLD_RANK=0", "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_LOCAL_SIZE=2", "PMIX_NAMESPACE=prterun-vm-1234@1"],
            0, 2, null, 2, "file:///tmp/collectives-prterun-vm-1234_1-" , "prterun-vm-1234@1", LauncherConvention.OpenMpi },
        { ["OMPI_COMM_WORLD_RANK=3", "OMPI_COMM_WORLD_SIZE=4", "OMPI_COMM_WORLD_LOCAL_RANK=1", "OMPI_COMM_WORLD_LOCAL_SIZE=2",
           "OMPI_MCA_ess_base_jobid=7", "COLLECTIVES_RENDEZVOUS=tcp://head:29501"],
            3, 4, 1, 2, "tcp://head:29501", "7", LauncherConvention.OpenMpi },
        // Open MPI first, even inside Slurm.
        { ["OMPI_COMM_WORLD_RANK=1", "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_LOCAL_SIZE=2", "OMPI_MCA_ess_base_jobid=5", "SLURM_PROCID=0", "SLURM_NTASKS=1"],
            1, 2, null, 2, "file:///tmp/collectives-5", "5", LauncherConvention.OpenMpi },

        // MPICH / Hydra.
        { ["PMI_RANK=1", "PMI_SIZE=2", "MPI_LOCALRANKID=1", "MPI_LOCALNRANKS=2", "COLLECTIVES_JOB_ID=m1"],
            1, 2, 1, 2, "file:///tmp/collectives-m1", "m1", LauncherConvention.Mpich },
        { ["PMI_RANK=2", "PMI_SIZE=4", "COLLECTIVES_RENDEZVOUS=tcp://head:5000"],
            2, 4, null, null, "tcp://head:5000", "tcp://head:5000", LauncherConvention.Mpich },

        // Slurm.
        { ["SLURM_PROCID=5", "SLURM_NTASKS=8", "SLURM_LOCALID=1", "SLURM_JOB_ID=777", "SLURM_STEP_ID=0", "MASTER_ADDR=n1", "MASTER_PORT=29500"],
            5, 8, 1, null, "tcp://n1:29501", "777.0", LauncherConvention.Slurm },
        { ["SLURM_PROCID=1", "SLURM_NTASKS=4", "SLURM_LOCALID=1", "SLURM_JOB_ID=777", "SLURM_STEP_ID=2", "SLURM_STEP_NUM_NODES=1", "SLURM_JOB_NUM_NODES=3"],
            1, 4, 1, 4, "file:///tmp/collectives-777.2", "777.2", LauncherConvention.Slurm },
        { ["SLURM_PROCID=1", "SLURM_NTASKS=4", "SLURM_JOB_ID=778", "SLURM_JOB_NUM_NODES=2", "COLLECTIVES_RENDEZVOUS=tcp://n0:9"],
            1, 4, null, null, "tcp://n0:9", "778", LauncherConvention.Slurm },
    };

    [Theory]
    [MemberData(nameof(Conventions))]
    public void ReadsEveryLauncherConvention(string[] environment, int rank, int size, int? localRank, int? localSize,
        string rendezvous, string jobId, LauncherConvention source)
    {
        JobLaunchInfo info = JobEnvironment.Parse(Env(environment));
        Assert.Equal(rank, info.Rank);
        Assert.Equal(size, info.Size);
        Assert.Equal(localRank, info.LocalRank);
        Assert.Equal(localSize, info.LocalSize);
        if (rendezvous.EndsWith('-'))
        {
            Assert.StartsWith(rendezvous, info.Rendezvous.ToString()); // a job id with unsafe characters gets a hash suffix
        }
        else
        {
            Assert.Equal(rendezvous, info.Rendezvous.ToString());
        }
        Assert.Equal(jobId, info.JobId);
        Assert.Equal(source, info.Source);
    }

    [Fact]
    public void OpenMpiJobIdIncludesTheLaunchersAddressSoRepeatedJobIdsStayApart()
    {
        string[] common = ["OMPI_COMM_WORLD_RANK=0", "OMPI_COMM_WORLD_SIZE=2", "OMPI_COMM_WORLD_LOCAL_SIZE=2", "OMPI_MCA_ess_base_jobid=249954305"];
        JobLaunchInfo a = JobEnvironment.Parse(Env([.. common, "OMPI_MCA_orte_hnp_uri=249954304.0;tcp://192.0.2.2:50721"]));
        JobLaunchInfo b = JobEnvironment.Parse(Env([.. common, "OMPI_MCA_orte_hnp_uri=249954304.0;tcp://192.0.2.2:50722"]));
        Assert.StartsWith("249954305-", a.JobId);
        Assert.NotEqual(a.JobId, b.JobId);
        Assert.Equal("file:///tmp/collectives-" + a.JobId, a.Rendezvous.ToString());
    }

    [Fact]
    public void ReadsEveryOption()
    {
        JobLaunchInfo info = JobEnvironment.Parse(Env("COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_RENDEZVOUS=tcp://h:1",
            "COLLECTIVES_JOB_ID=j", "COLLECTIVES_SECRET=" + Secret, "COLLECTIVES_HOST_ID=rack1-node3", "COLLECTIVES_TRANSPORTS= SHM , tcp",
            "COLLECTIVES_ALGO=allreduce=tree", "COLLECTIVES_TIMEOUT=90s", "COLLECTIVES_LOG_LEVEL=Debug", "COLLECTIVES_TCP_ADDRESS=10.1.2.3"));
        Assert.Equal(Secret, info.Secret);
        Assert.Equal("rack1-node3", info.HostId);
        Assert.Equal(["shm", "tcp"], info.Transports);
        Assert.Equal("allreduce=tree", info.Algorithm);
        Assert.Equal(TimeSpan.FromSeconds(90), info.Timeout);
        Assert.Equal(JobLogLevel.Debug, info.LogLevel);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), info.TcpAddress);
        Assert.DoesNotContain(Secret, info.ToString());
        Assert.Contains("Secret = (set, hidden)", info.ToString());
    }

    [Fact]
    public void OptionsDefaultToNullAndAOneHostJobBindsLoopback()
    {
        JobLaunchInfo local = JobEnvironment.Parse(Env("COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_LOCAL_SIZE=2", "COLLECTIVES_JOB_ID=j"));
        Assert.Null(local.Secret);
        Assert.Null(local.HostId);
        Assert.Null(local.Transports);
        Assert.Null(local.Algorithm);
        Assert.Null(local.Timeout);
        Assert.Null(local.LogLevel);
        Assert.True(local.AllRanksLocal);
        Assert.Equal(IPAddress.Loopback, local.TcpAddress);
        Assert.Equal(IPAddress.Loopback, JobEnvironment.ResolveTcpAddress(local));

        JobLaunchInfo spread = JobEnvironment.Parse(Env("COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=4", "COLLECTIVES_LOCAL_SIZE=2",
            "COLLECTIVES_RENDEZVOUS=tcp://127.0.0.1:9"));
        Assert.False(spread.AllRanksLocal);
        Assert.Null(spread.TcpAddress); // decided at start-up: the route to the rendezvous host
        Assert.NotNull(JobEnvironment.ResolveTcpAddress(spread));
    }

    [Fact]
    public void BlankVariablesCountAsUnset()
    {
        JobLaunchInfo info = JobEnvironment.Parse(Env("COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_SECRET=",
            "COLLECTIVES_TIMEOUT= ", "RANK="));
        Assert.Null(info.Secret);
        Assert.Null(info.Timeout);
    }

    /// <summary>Environment → words the error must contain.</summary>
    public static TheoryData<string[], string[]> Errors() => new()
    {
        { [], ["No launcher variables are set", "COLLECTIVES_RANK and COLLECTIVES_SIZE", "torchrun", "none of the variables"] },
        { ["COLLECTIVES_RANK=4", "COLLECTIVES_SIZE=4", "COLLECTIVES_JOB_ID=j"], ["COLLECTIVES_RANK=4 is not below COLLECTIVES_SIZE=4", "Found: COLLECTIVES_RANK=4, COLLECTIVES_SIZE=4, COLLECTIVES_JOB_ID=j"] },
        { ["COLLECTIVES_RANK=-1", "COLLECTIVES_SIZE=4"], ["COLLECTIVES_RANK=-1 is negative"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=four"], ["COLLECTIVES_SIZE=four is not a whole number"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=0"], ["COLLECTIVES_SIZE=0: a job needs at least one rank"] },
        { ["COLLECTIVES_RANK=0"], ["COLLECTIVES_SIZE is not set", "COLLECTIVES_RANK=0"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_LOCAL_RANK=2", "COLLECTIVES_LOCAL_SIZE=2"], ["COLLECTIVES_LOCAL_RANK=2 is not below COLLECTIVES_LOCAL_SIZE=2"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_LOCAL_SIZE=3"], ["COLLECTIVES_LOCAL_SIZE=3 must be between 1 and COLLECTIVES_SIZE=2"] },
        { ["COLLECTIVES_RANK=1", "COLLECTIVES_SIZE=8", "RANK=2", "WORLD_SIZE=8", "MASTER_ADDR=a", "MASTER_PORT=1"], ["COLLECTIVES_RANK=1 disagrees with RANK=2 set by Torchrun", "RANK=2"] },
        { ["COLLECTIVES_RANK=1", "COLLECTIVES_SIZE=4", "OMPI_COMM_WORLD_RANK=1", "OMPI_COMM_WORLD_SIZE=2"], ["COLLECTIVES_SIZE=4 disagrees with OMPI_COMM_WORLD_SIZE=2 set by OpenMpi"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=4"], ["no rendezvous address is given", "COLLECTIVES_RENDEZVOUS=tcp://host:port"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_LOCAL_SIZE=2"], ["gives no job id", "COLLECTIVES_JOB_ID"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_RENDEZVOUS=http://x:1"], ["COLLECTIVES_RENDEZVOUS=http://x:1 is not a rendezvous address", "file:///"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=2", "COLLECTIVES_RENDEZVOUS=tcp://x:70000"], ["is not a rendezvous address"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_TIMEOUT=soon"], ["COLLECTIVES_TIMEOUT=soon is not a positive duration", "30s"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_TIMEOUT=0"], ["COLLECTIVES_TIMEOUT=0 is not a positive duration"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_LOG_LEVEL=loud"], ["COLLECTIVES_LOG_LEVEL=loud is not a log level"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_TCP_ADDRESS=node7"], ["COLLECTIVES_TCP_ADDRESS=node7 is not an IP address"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_TRANSPORTS=shm,,tcp"], ["has an empty or malformed name"] },
        { ["COLLECTIVES_RANK=0", "COLLECTIVES_SIZE=1", "COLLECTIVES_JOB_ID=j", "COLLECTIVES_TRANSPORTS=tcp,TCP"], ["names 'tcp' twice"] },
        { ["RANK=1", "WORLD_SIZE=2", "MASTER_ADDR=node0"], ["MASTER_PORT is not set", "MASTER_ADDR=node0", "RANK=1", "WORLD_SIZE=2"] },
        { ["RANK=1", "MASTER_ADDR=node0", "MASTER_PORT=1"], ["WORLD_SIZE is not set", "torchrun --no_python"] },
        { ["RANK=1", "WORLD_SIZE=2", "MASTER_ADDR=node0", "MASTER_PORT=65535"], ["MASTER_PORT=65535 leaves no port above it"] },
        { ["RANK=2", "WORLD_SIZE=2", "MASTER_ADDR=node0", "MASTER_PORT=1"], ["RANK=2 is not below WORLD_SIZE=2"] },
        { ["OMPI_COMM_WORLD_RANK=3", "OMPI_COMM_WORLD_SIZE=4", "OMPI_COMM_WORLD_LOCAL_SIZE=2", "OMPI_MCA_ess_base_jobid=7"],
            ["spans several hosts (2 of its 4 ranks are on this one)", "COLLECTIVES_RENDEZVOUS", "OMPI_COMM_WORLD_LOCAL_SIZE=2"] },
        { ["OMPI_COMM_WORLD_RANK=x", "OMPI_COMM_WORLD_SIZE=4"], ["OMPI_COMM_WORLD_RANK=x is not a whole number"] },
        { ["PMI_RANK=0", "PMI_SIZE=2", "MPI_LOCALNRANKS=2"], ["Mpich gives no job id", "COLLECTIVES_JOB_ID"] },
        { ["PMI_RANK=0", "PMI_SIZE=4"], ["Nothing says whether all 4 ranks are on this host"] },
        { ["SLURM_PROCID=0", "SLURM_NTASKS=4", "SLURM_JOB_ID=1", "SLURM_JOB_NUM_NODES=2"], ["no rendezvous address is given", "SLURM_JOB_NUM_NODES=2"] },
        { ["SLURM_PROCID=0", "SLURM_NTASKS=4", "SLURM_JOB_ID=1", "MASTER_PORT=29500"], ["MASTER_ADDR is not set"] },
        { ["SLURM_PROCID=4", "SLURM_NTASKS=4"], ["SLURM_PROCID=4 is not below SLURM_NTASKS=4"] },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void ContradictionsAndGapsNameWhatWasFoundAndWhatIsNeeded(string[] environment, string[] expected)
    {
        // Every case also carries a secret, which must never show.
        var env = Env([.. environment, "COLLECTIVES_SECRET=" + Secret]);
        var error = Assert.Throws<JobEnvironmentException>(() => JobEnvironment.Parse(env));
        foreach (string words in expected)
        {
            if (words == "none of the variables")
            {
                continue; // the secret is set here, so something was found
            }
            Assert.Contains(words, error.Message);
        }
        Assert.Contains("Needed:", error.Message);
        Assert.Contains("COLLECTIVES_SECRET=(set, hidden)", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
        Assert.DoesNotContain(error.Found, v => v.Value.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public void AnEmptyEnvironmentSaysNothingWasFound()
    {
        var error = Assert.Throws<JobEnvironmentException>(() => JobEnvironment.Parse(Env()));
        Assert.Contains("Found: none of the variables of our launcher, torchrun, Open MPI, MPICH or Slurm", error.Message);
        Assert.Empty(error.Found);
    }

    [Fact]
    public void UnrelatedVariablesStayOutOfTheMessage()
    {
        var error = Assert.Throws<JobEnvironmentException>(() => JobEnvironment.Parse(Env("COLLECTIVES_RANK=9", "COLLECTIVES_SIZE=2", "AWS_SECRET_ACCESS_KEY=abc", "HOME=/root")));
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", error.Message);
        Assert.DoesNotContain("HOME", error.Message);
    }

    [Fact]
    public void FromProcessReadsTheRealEnvironment()
    {
        // Whatever this process's environment holds, the answer is a parse or a JobEnvironmentException, nothing else.
        try
        {
            JobEnvironment.FromProcess();
        }
        catch (JobEnvironmentException)
        {
        }
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("0.5", 500)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData(" 5M ", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("00:05:00", 300_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void ParsesDurations(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("5x")]
    [InlineData("1e3")]
    [InlineData("00:00:00")]
    [InlineData("NaN")]
    [InlineData("100000000000")]
    [InlineData("ms")]
    public void RejectsNonDurations(string text) => Assert.False(DurationText.TryParse(text, out _));
}
