using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Numerics;
using Collectives.Topology;

namespace Collectives.Bootstrap;

/// <summary>
/// Detects where this rank runs (DESIGN.md, "Topology"): host identity and name, the NUMA node,
/// socket and core it is pinned to (from the affinity mask and /sys; -1 when it may run on
/// several with different answers), and the network interface behind its TCP address. Every
/// read is best effort: a missing file leaves -1, never an error.
/// </summary>
public static class TopologyDetection
{
    private const string CpuRoot = "/sys/devices/system/cpu";
    private const string NodeRoot = "/sys/devices/system/node";

    /// <param name="tcpAddress">The address this rank's TCP endpoint uses (<see cref="JobEnvironment.ResolveTcpAddress"/>); its interface is reported.</param>
    public static RankPlacement Detect(JobLaunchInfo job, string hostId, IPAddress tcpAddress)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(tcpAddress);
        IReadOnlyList<int> cpus = AllowedCpus();
        int core = cpus.Count == 1 ? cpus[0] : -1;
        int numa = Common(cpus, NumaNodeOf);
        int socket = Common(cpus, SocketOf);
        return new RankPlacement(job.Rank, hostId, Dns.GetHostName(), numa, socket, core, InterfaceOf(tcpAddress), tcpAddress.ToString());
    }

    /// <summary>The CPUs this process may run on, from its affinity mask (all of them when it cannot be read).</summary>
    public static IReadOnlyList<int> AllowedCpus()
    {
        var cpus = new List<int>();
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException();
            }
            ulong mask = (ulong)System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity;
            while (mask != 0)
            {
                int cpu = BitOperations.TrailingZeroCount(mask);
                cpus.Add(cpu);
                mask &= mask - 1;
            }
        }
        catch (Exception e) when (e is PlatformNotSupportedException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            cpus.AddRange(Enumerable.Range(0, Environment.ProcessorCount));
        }
        return cpus;
    }

    /// <summary>The NUMA node of <paramref name="cpu"/> (the nodeN link under its /sys directory), or -1.</summary>
    public static int NumaNodeOf(int cpu)
    {
        string dir = Path.Combine(CpuRoot, "cpu" + cpu.ToString(CultureInfo.InvariantCulture));
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(dir, "node*"))
            {
                if (int.TryParse(Path.GetFileName(entry)[4..], NumberStyles.None, CultureInfo.InvariantCulture, out int node))
                {
                    return node;
                }
            }
            // Kernels without per-CPU node links: a machine with a single node has all CPUs on it.
            return Directory.Exists(NodeRoot) && Directory.GetDirectories(NodeRoot, "node*").Length == 1 ? 0 : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>The socket (physical package) of <paramref name="cpu"/>, or -1.</summary>
    public static int SocketOf(int cpu)
    {
        string path = Path.Combine(CpuRoot, "cpu" + cpu.ToString(CultureInfo.InvariantCulture), "topology", "physical_package_id");
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture,
                out int socket) ? socket : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>The name of the interface that holds <paramref name="address"/> ("lo" for loopback), or null.</summary>
    public static string? InterfaceOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)))
                {
                    return nic.Name;
                }
            }
        }
        catch (NetworkInformationException)
        {
            return null;
        }
        return IPAddress.IsLoopback(address) ? "lo" : null;
    }

    // The value every CPU agrees on, or -1 when they differ or any is unknown.
    private static int Common(IReadOnlyList<int> cpus, Func<int, int> of)
    {
        int common = -2;
        foreach (int cpu in cpus)
        {
            int value = of(cpu);
            if (value < 0 || (common != -2 && value != common))
            {
                return -1;
            }
            common = value;
        }
        return common < 0 ? -1 : common;
    }
}
