using System.Collections.Concurrent;

namespace Collectives.Transport.Tcp;

/// <summary>
/// What the two ends of a link share when both live in this process (tests, or two endpoints of
/// one job in one process): the first abort reason as the very object its raiser passed, so both
/// ends report the same reason rather than one end a decoded copy (the conformance suite checks
/// identity; the shared-memory transport does the same). Ends find each other by their control
/// connection's two addresses, unique on a host while the connection is open.
/// </summary>
internal sealed class LocalPair
{
    /// <summary>Ends whose other end has not (or not yet, or not in this process) joined, by connection.</summary>
    private static readonly ConcurrentDictionary<string, LocalPair> Unpaired = new();

    private AbortReason? _reason;

    public AbortReason? Reason => Volatile.Read(ref _reason);

    public void Offer(AbortReason reason) => Interlocked.CompareExchange(ref _reason, reason, null);

    /// <summary>The pair object for the connection named <paramref name="connection"/>: the other end's if it joined first.</summary>
    public static LocalPair Join(string connection)
    {
        while (true)
        {
            if (Unpaired.TryRemove(connection, out LocalPair? other))
            {
                return other;
            }
            var fresh = new LocalPair();
            if (Unpaired.TryAdd(connection, fresh))
            {
                return fresh;
            }
        }
    }

    /// <summary>An end closes: if the other end never joined, nobody will, and the entry goes.</summary>
    public static void Leave(string connection, LocalPair pair) =>
        Unpaired.TryRemove(new KeyValuePair<string, LocalPair>(connection, pair));
}
