using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Collectives.Transport.Circuits;
using Collectives.Transport.Faults;
using Collectives.Transport.Rdma;

namespace Collectives.Bootstrap;

/// <summary>
/// Reads where this process stands in its job from the environment its launcher set (DESIGN.md,
/// "Environment"). Our own COLLECTIVES_* variables win; when COLLECTIVES_RANK and COLLECTIVES_SIZE
/// are absent the first launcher found, in this order, gives rank and size: torchrun, Open MPI,
/// MPICH/Hydra, Slurm.
/// <para>
/// The rendezvous address is COLLECTIVES_RENDEZVOUS when set; otherwise torchrun's
/// MASTER_ADDR:MASTER_PORT+1 (MASTER_PORT itself is torchrun's own store), Slurm's the same when
/// MASTER_ADDR/MASTER_PORT are set, and for a job whose every rank is on this host a file store
/// in /tmp/collectives-&lt;job id&gt;. A multi-host job without one is an error.
/// </para>
/// Any missing or contradictory variable throws <see cref="JobEnvironmentException"/>.
/// </summary>
public static class JobEnvironment
{
    /// <summary>Where one-host jobs without a rendezvous address keep their file store.</summary>
    public const string FileStoreRoot = "/tmp";

    /// <summary>Reads this process's environment.</summary>
    public static JobLaunchInfo FromProcess()
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                snapshot[key] = value;
            }
        }
        return Parse(snapshot);
    }

    /// <summary>Reads the given environment (a dictionary, so tests never touch the real one).</summary>
    /// <exception cref="JobEnvironmentException">A variable is missing, malformed or contradicts another.</exception>
    public static JobLaunchInfo Parse(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var env = new EnvironmentReader(environment);
        Placement placement = LauncherPlacement.Read(env);
        string? jobId = env.Get(EnvironmentVariables.JobId) ?? placement.LauncherJobId;
        RendezvousAddress rendezvous = ReadRendezvous(env, placement, jobId);
        jobId ??= rendezvous.ToString();

        bool allLocal = placement.Size == 1 || placement.LocalSize == placement.Size || rendezvous.Kind == RendezvousKind.File;
        return new JobLaunchInfo
        {
            Rank = placement.Rank,
            Size = placement.Size,
            LocalRank = placement.LocalRank,
            LocalSize = placement.LocalSize,
            Rendezvous = rendezvous,
            JobId = jobId,
            Secret = env.Get(EnvironmentVariables.Secret),
            HostId = env.Get(EnvironmentVariables.HostId),
            Transports = ReadTransports(env),
            Algorithm = env.Get(EnvironmentVariables.Algorithm),
            Timeout = ReadTimeout(env),
            LogLevel = ReadLogLevel(env),
            TcpAddress = ReadTcpAddress(env) ?? (allLocal ? IPAddress.Loopback : null),
            Faults = ReadSpec<FaultSpec>(env, EnvironmentVariables.Faults, FaultSpecParser.TryParse, "a fault spec", FaultSpecParser.Syntax),
            Circuits = ReadSpec<CircuitSpec>(env, EnvironmentVariables.Circuits, CircuitSpecParser.TryParse, "a circuit spec", CircuitSpecParser.Syntax),
            TopologyFile = env.Get(EnvironmentVariables.TopologyFile),
            TuneFile = env.Get(EnvironmentVariables.TuneFile),
            Channels = ReadChannels(env),
            RdmaProvider = ReadRdmaProvider(env),
            Source = placement.Source,
        };
    }

    /// <summary>
    /// The address this rank's TCP transport binds and advertises: <see cref="JobLaunchInfo.TcpAddress"/>
    /// when known (COLLECTIVES_TCP_ADDRESS, or loopback for a one-host job); otherwise the local
    /// address of the route to the rendezvous host (the interface the other hosts can reach too);
    /// failing that, the first non-loopback IPv4 address of an interface that is up; failing that, loopback.
    /// </summary>
    public static IPAddress ResolveTcpAddress(JobLaunchInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.TcpAddress is not null)
        {
            return info.TcpAddress;
        }
        if (info.AllRanksLocal)
        {
            return IPAddress.Loopback;
        }
        if (info.Rendezvous.Kind == RendezvousKind.Tcp && RouteSource(info.Rendezvous.Host!) is { } routed && !IPAddress.IsLoopback(routed))
        {
            return routed;
        }
        return FirstInterfaceAddress() ?? IPAddress.Loopback;
    }

    private static IPAddress? RouteSource(string host)
    {
        try
        {
            IPAddress[] addresses = IPAddress.TryParse(host, out IPAddress? literal) ? [literal] : Dns.GetHostAddresses(host);
            IPAddress? target = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (target is null)
            {
                return null;
            }
            // Connecting a UDP socket sends nothing; it only asks the kernel which source address it would route from.
            using var probe = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(target, 9));
            return (probe.LocalEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static IPAddress? FirstInterfaceAddress()
    {
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }
            foreach (UnicastIPAddressInformation address in nic.GetIPProperties().UnicastAddresses)
            {
                if (address.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address.Address))
                {
                    return address.Address;
                }
            }
        }
        return null;
    }

    private static RendezvousAddress ReadRendezvous(EnvironmentReader env, Placement placement, string? jobId)
    {
        string? text = env.Get(EnvironmentVariables.Rendezvous);
        if (text is not null)
        {
            return RendezvousAddress.TryParse(text, out RendezvousAddress? given) ? given : throw env.Fail(
                $"{EnvironmentVariables.Rendezvous}={text} is not a rendezvous address.",
                $"{EnvironmentVariables.Rendezvous}=tcp://host:port (e.g. tcp://10.0.0.1:29501, tcp://[fd00::1]:29501) or file:///absolute/directory.");
        }
        if (placement.Source is LauncherConvention.Torchrun or LauncherConvention.Slurm &&
            (env.Has(EnvironmentVariables.MasterAddr) || env.Has(EnvironmentVariables.MasterPort) || placement.Source == LauncherConvention.Torchrun))
        {
            return MasterPlusOne(env, placement.Source);
        }
        if (placement.SingleHost && jobId is not null)
        {
            return RendezvousAddress.File(Path.Combine(FileStoreRoot, "collectives-" + PathSafe(jobId)));
        }
        if (placement.SingleHost)
        {
            throw env.Fail($"Every rank is on this host, but {placement.Source} gives no job id to name a file store after.",
                $"{EnvironmentVariables.JobId} (any string unique to this job), or {EnvironmentVariables.Rendezvous}=file:///directory or tcp://host:port.");
        }
        throw env.Fail(
            placement.LocalSize is int localSize
                ? $"The job spans several hosts ({localSize} of its {placement.Size} ranks are on this one) and no rendezvous address is given."
                : $"Nothing says whether all {placement.Size} ranks are on this host, and no rendezvous address is given.",
            $"{EnvironmentVariables.Rendezvous}=tcp://host:port, the same on every rank (rank 0 serves the store there, or run " +
            "`collectives store` on that host); for torchrun-style jobs MASTER_ADDR and MASTER_PORT (the store uses MASTER_PORT+1).");
    }

    /// <summary>torchrun's store already listens on MASTER_PORT, so ours takes the next port.</summary>
    private static RendezvousAddress MasterPlusOne(EnvironmentReader env, LauncherConvention source)
    {
        string needed = $"MASTER_ADDR and MASTER_PORT (our store listens on MASTER_PORT+1), or {EnvironmentVariables.Rendezvous}=tcp://host:port.";
        string? host = env.Get(EnvironmentVariables.MasterAddr);
        int? port = env.GetCount(EnvironmentVariables.MasterPort, needed);
        if (host is null || port is null)
        {
            throw env.Fail($"{source} jobs find the store from MASTER_ADDR and MASTER_PORT, but {(host is null ? "MASTER_ADDR" : "MASTER_PORT")} is not set.", needed);
        }
        if (port is < 1 or >= 65535)
        {
            throw env.Fail($"MASTER_PORT={port} leaves no port above it for our store (torchrun's own store uses MASTER_PORT).",
                $"MASTER_PORT between 1 and 65534, or {EnvironmentVariables.Rendezvous}=tcp://host:port.");
        }
        string bare = host.Trim('[', ']');
        if (!RendezvousAddress.TryParse($"tcp://{(bare.Contains(':') ? "[" + bare + "]" : bare)}:{port + 1}", out RendezvousAddress? address))
        {
            throw env.Fail($"MASTER_ADDR={host} is not a host name or address.", needed);
        }
        return address;
    }

    /// <summary>A job id as a directory name: unsafe characters replaced, plus a hash when any were (so ids stay distinct).</summary>
    internal static string PathSafe(string jobId)
    {
        var safe = new StringBuilder(jobId.Length);
        foreach (char c in jobId)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        string text = safe.ToString();
        if (text == jobId && text.Length <= 100 && text is not ("." or ".."))
        {
            return text;
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..16];
        return (text.Length > 80 ? text[..80] : text) + "-" + hash;
    }

    private static IReadOnlyList<string>? ReadTransports(EnvironmentReader env)
    {
        string? text = env.Get(EnvironmentVariables.Transports);
        if (text is null)
        {
            return null;
        }
        string needed = $"{EnvironmentVariables.Transports} as transport names in priority order, separated by commas (e.g. \"shm,tcp\" or \"tcp\").";
        var names = new List<string>();
        foreach (string part in text.Split(','))
        {
            string name = part.Trim().ToLowerInvariant();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw env.Fail($"{EnvironmentVariables.Transports}={text} has an empty or malformed name ('{part.Trim()}').", needed);
            }
            if (names.Contains(name))
            {
                throw env.Fail($"{EnvironmentVariables.Transports}={text} names '{name}' twice.", needed);
            }
            names.Add(name);
        }
        return names;
    }

    private static string? ReadRdmaProvider(EnvironmentReader env)
    {
        string? text = env.Get(EnvironmentVariables.RdmaProvider);
        if (text is null)
        {
            return null;
        }
        string name = text.Trim().ToLowerInvariant();
        return RdmaProviders.IsWellFormed(name) ? name : throw env.Fail(
            $"{EnvironmentVariables.RdmaProvider}={text} is not a provider name.",
            $"{EnvironmentVariables.RdmaProvider} as one of {RdmaProviders.Described}.");
    }

    private static TimeSpan? ReadTimeout(EnvironmentReader env)
    {
        string? text = env.Get(EnvironmentVariables.Timeout);
        if (text is null)
        {
            return null;
        }
        return DurationText.TryParse(text, out TimeSpan timeout) ? timeout : throw env.Fail(
            $"{EnvironmentVariables.Timeout}={text} is not a positive duration.",
            $"{EnvironmentVariables.Timeout} in seconds (\"30\"), with a unit (\"500ms\", \"30s\", \"5m\", \"2h\") or as hh:mm:ss, at most {DurationText.Max}.");
    }

    private static JobLogLevel? ReadLogLevel(EnvironmentReader env)
    {
        string? text = env.Get(EnvironmentVariables.LogLevel);
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "error" => JobLogLevel.Error,
            "warn" or "warning" => JobLogLevel.Warning,
            "info" => JobLogLevel.Info,
            "debug" => JobLogLevel.Debug,
            "trace" => JobLogLevel.Trace,
            _ => throw env.Fail($"{EnvironmentVariables.LogLevel}={text} is not a log level.",
                $"{EnvironmentVariables.LogLevel} one of error, warning, info, debug, trace."),
        };
    }

    private static IPAddress? ReadTcpAddress(EnvironmentReader env)
    {
        string? text = env.Get(EnvironmentVariables.TcpAddress);
        if (text is null)
        {
            return null;
        }
        return IPAddress.TryParse(text.Trim('[', ']'), out IPAddress? address) ? address : throw env.Fail(
            $"{EnvironmentVariables.TcpAddress}={text} is not an IP address.",
            $"{EnvironmentVariables.TcpAddress} as the IPv4 or IPv6 address (not a host name) this rank's TCP transport binds and advertises.");
    }

    /// <summary>Most link sets per peer COLLECTIVES_CHANNELS may ask for (CommunicatorOptions.MaxChannels).</summary>
    public const int MaxChannels = 8;

    private static int? ReadChannels(EnvironmentReader env)
    {
        string? text = env.Get(EnvironmentVariables.Channels);
        if (text is null)
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int channels) && channels is >= 1 and <= MaxChannels
            ? channels
            : throw env.Fail($"{EnvironmentVariables.Channels}={text} is not a channel count.",
                string.Create(CultureInfo.InvariantCulture, $"{EnvironmentVariables.Channels} from 1 to {MaxChannels}, or unset for 1."));
    }

    private delegate bool SpecParser<T>(string? text, out T? spec, out string? problem);

    /// <summary>A test setting of links (faults, circuits): null when unset, the parser's own message when it is wrong.</summary>
    private static T? ReadSpec<T>(EnvironmentReader env, string variable, SpecParser<T> tryParse, string what, string syntax)
        where T : class
    {
        string? text = env.Get(variable);
        if (text is null)
        {
            return null;
        }
        return tryParse(text, out T? spec, out string? problem) ? spec : throw env.Fail(
            $"{variable}={text} is not {what}: {problem}", $"{variable} as {syntax}.");
    }
}
