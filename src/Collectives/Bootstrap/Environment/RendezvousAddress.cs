using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Collectives.Bootstrap;

/// <summary>
/// Where the rendezvous store is: <c>tcp://host:port</c> (host may be a name, an IPv4 address or
/// a bracketed IPv6 address; a bare <c>host:port</c> means TCP too) or <c>file:///absolute/path</c>.
/// </summary>
public sealed record RendezvousAddress
{
    private RendezvousAddress(RendezvousKind kind, string? host, int port, string? path)
    {
        Kind = kind;
        Host = host;
        Port = port;
        Path = path;
    }

    public RendezvousKind Kind { get; }

    /// <summary>The store's host name or address (TCP only; IPv6 without brackets).</summary>
    public string? Host { get; }

    /// <summary>The store's port (TCP only; 1-65535).</summary>
    public int Port { get; }

    /// <summary>The store's directory (file only; absolute).</summary>
    public string? Path { get; }

    public static RendezvousAddress Tcp(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new RendezvousAddress(RendezvousKind.Tcp, host.Trim().Trim('[', ']'), port, null);
    }

    public static RendezvousAddress File(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!System.IO.Path.IsPathRooted(path))
        {
            throw new ArgumentException($"A file rendezvous needs an absolute directory, not '{path}'.", nameof(path));
        }
        return new RendezvousAddress(RendezvousKind.File, null, 0, path);
    }

    /// <exception cref="FormatException">The text is neither form; the message shows both.</exception>
    public static RendezvousAddress Parse(string text) =>
        TryParse(text, out RendezvousAddress? address) ? address : throw new FormatException(
            $"'{text}' is not a rendezvous address; use tcp://host:port (e.g. tcp://10.0.0.1:29501, tcp://[fd00::1]:29501) " +
            "or file:///absolute/directory.");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out RendezvousAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        if (text.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            string path = text["file://".Length..];
            if (path.Length < 2 || path[0] != '/' || path.Contains('\0'))
            {
                return false;
            }
            address = new RendezvousAddress(RendezvousKind.File, null, 0, path);
            return true;
        }
        string hostPort = text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) ? text["tcp://".Length..] : text;
        if (hostPort.Contains("://", StringComparison.Ordinal) || hostPort.EndsWith('/'))
        {
            return false;
        }
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }
        string host = hostPort[..colon];
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || host.Length < 3)
            {
                return false;
            }
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            return false; // an IPv6 address needs brackets, or the port is ambiguous
        }
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '[' or ']' or '@' or '\0') ||
            !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) ||
            port is < 1 or > 65535)
        {
            return false;
        }
        address = new RendezvousAddress(RendezvousKind.Tcp, host, port, null);
        return true;
    }

    public override string ToString() => Kind == RendezvousKind.File
        ? "file://" + Path
        : string.Create(CultureInfo.InvariantCulture, $"tcp://{(Host!.Contains(':') ? "[" + Host + "]" : Host)}:{Port}");
}
