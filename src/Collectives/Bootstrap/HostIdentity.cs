using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Collectives.Bootstrap;

/// <summary>
/// Which host this process runs on (DESIGN.md, "Topology"): two ranks share a host identity
/// exactly when they can share memory. The identity hashes the host name and the kernel's boot id,
/// so a rebooted or re-imaged machine with the same name counts as new, and network namespaces
/// created with their own UTS namespace (their own host name) count as separate hosts even on
/// one machine, which is what the multi-host loopback tests rely on. COLLECTIVES_HOST_ID overrides it.
/// </summary>
public static class HostIdentity
{
    /// <summary>Hex characters kept from the hash: 64 bits, plenty to tell a job's hosts apart.</summary>
    public const int Length = 16;

    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>
    /// This process's host identity: <paramref name="overrideId"/> (COLLECTIVES_HOST_ID, see
    /// <see cref="JobLaunchInfo.HostId"/>) when given, else the hash of host name and boot id.
    /// </summary>
    public static string Current(string? overrideId = null)
    {
        if (!string.IsNullOrWhiteSpace(overrideId))
        {
            return overrideId.Trim();
        }
        // gethostname(2) answers per UTS namespace; Environment.MachineName would drop the domain part.
        return Compute(Dns.GetHostName(), ReadBootId());
    }

    /// <summary>The identity of a host with this name and boot id (no boot id off Linux: the name alone).</summary>
    public static string Compute(string hostName, string? bootId)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"collectives-host|{hostName}|{bootId?.Trim()}"));
        return Convert.ToHexStringLower(hash)[..Length];
    }

    private static string? ReadBootId()
    {
        try
        {
            return File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
