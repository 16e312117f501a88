using Collectives.Tests.MultiProcess;

namespace Collectives.Tests.Optical;

/// <summary><c>collectives explain</c> on hosts joined by optical circuits: the circuit-aware candidates, their changes, and where the winner flips.</summary>
public sealed class OpticalExplainCommandTests
{
    [Fact]
    public async Task SixtyFourHostsOnOnePortShowTheBreakEvenOfTheStaticRing()
    {
        string hosts = string.Join(",", Enumerable.Repeat("1", 64));
        ProcessResult result = await CliProcess.RunToolAsync("explain", "--hosts", hosts, "--inter", "optical", "--switch", "fast-ocs",
            "--degree", "1", "--reconfiguration", "5", "--sizes", "0,256M");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("# optical circuits across hosts: 64 ranks, 1 per node, 64 nodes, optical: optical 1 x 50 GB/s ports on fast-ocs (5 us median, 5 us p99)", result.Output);
        string[] rows = result.Output.Split('\n').Where(l => l.Contains(" us [", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        // At 0 bytes, recursive doubling's 6 exchanges of alpha (2 us) + delta (0.5 us) and 5 changes of 5 us win.
        Assert.Contains("*40.00 us [5]", rows[0]);
        Assert.Contains("80.00 us [10]", rows[0]);
        Assert.EndsWith("halving-doubling: xor 32 → xor 16 → ... → xor 32 (11 configurations)", rows[1].TrimEnd());
        // Ring: 126 (alpha + delta); recursive doubling: 6 (alpha + delta) + 5 r; halving-doubling: 12 (alpha + delta) + 10 r,
        // so (p − 1 − log2 p) / (log2 p − 1) × (alpha + delta) = 57/5 × 2.5 us when the bytes weigh the same.
        Assert.Contains("# 0: recursive-doubling below 60 us of reconfiguration, ring above", result.Output);
        Assert.Contains("# 256M: halving-doubling below 28.5 us of reconfiguration, ring above", result.Output);
    }

    [Fact]
    public async Task UnderEmulatedCircuitsTheSelectorsOwnTableIsPricedByTheCircuitModel()
    {
        // 64 ranks over shared memory (alpha 1 us by the built-in profile), hops of 0.5 us, plan=auto: at 1 MiB ring and
        // halving-doubling differ by latency and changes alone, so they cross at 57/5 (alpha + delta) = 17.1 us.
        ProcessResult result = await CliProcess.RunAsync(CliProcess.Tool, ["explain", "--ranks", "64", "--sizes", "1M"],
            new Dictionary<string, string> { ["COLLECTIVES_CIRCUITS"] = "switch=fast-ocs,reconfig=5us,bandwidth=50GB/s,hop=0.5us,plan=auto" });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("# priced by the optical circuit model (COLLECTIVES_CIRCUITS=switch=fast-ocs,reconfig=5us,", result.Output);
        string row = result.Output.Split('\n').Single(l => l.TrimStart().StartsWith("1M ", StringComparison.Ordinal));
        Assert.Contains(" us [10]", row);
        Assert.Contains(" us [0]", row);
        Assert.EndsWith("halving-doubling", row.TrimEnd());
        Assert.Contains("# tree: not considered (the circuit model has no schedule for it", result.Output);
        Assert.Contains("# 1M: halving-doubling is predicted", result.Output);
        Assert.Contains("by the optical circuit model", result.Output);
        Assert.Contains("# 1M on circuits: halving-doubling below 17.1 us of reconfiguration, ring above", result.Output);

        ProcessResult flag = await CliProcess.RunToolAsync("explain", "--ranks", "4", "--sizes", "8", "--circuits", "plan=ring");
        Assert.True(flag.ExitCode == 0, flag.ToString());
        Assert.Contains("# priced by the optical circuit model (COLLECTIVES_CIRCUITS=switch=fast-ocs,", flag.Output);
        ProcessResult bad = await CliProcess.RunToolAsync("explain", "--ranks", "4", "--circuits", "plan=mesh");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("plan=mesh is not a plan", bad.Error);
    }

    [Fact]
    public async Task UnequalHostsAndOtherLinksSayWhatTheCircuitPlannerNeeds()
    {
        ProcessResult uneven = await CliProcess.RunToolAsync("explain", "--hosts", "2,1,3", "--inter", "optical", "--sizes", "8");
        Assert.True(uneven.ExitCode == 0, uneven.ToString());
        Assert.Contains("# optical circuits: the circuit planner needs the same number of ranks on every host", uneven.Output);
        ProcessResult tcp = await CliProcess.RunToolAsync("explain", "--hosts", "2,2", "--sizes", "8");
        Assert.DoesNotContain("optical circuits", tcp.Output);
        ProcessResult bad = await CliProcess.RunToolAsync("explain", "--hosts", "2,2", "--inter", "optical", "--switch", "pigeon");
        Assert.Equal(2, bad.ExitCode);
    }
}
