using System.Globalization;

namespace Collectives.Bootstrap;

/// <summary>
/// The bootstrap's patterns over a store: every rank publishes under <c>prefix/rank</c> and waits
/// for all the others. A timeout names the ranks whose keys never appeared. Keys are never
/// reused: give every exchange and barrier its own prefix (e.g. with a generation number).
/// </summary>
public static class StoreExchange
{
    /// <summary>Ranks listed by name in a timeout message; the rest are counted.</summary>
    private const int RanksShown = 16;

    /// <summary>
    /// Publishes <paramref name="myValue"/> as <c>prefix/rank</c> and returns every rank's value, by rank.
    /// </summary>
    /// <exception cref="StoreTimeoutException">Some ranks never published; the message names them.</exception>
    public static async Task<byte[][]> AllGatherAsync(IRendezvousStore store, string prefix, int rank, int size,
        ReadOnlyMemory<byte> myValue, CancellationToken cancellationToken = default)
    {
        string[] keys = Keys(store, prefix, rank, size);
        await store.SetAsync(keys[rank], myValue, cancellationToken).ConfigureAwait(false);
        await WaitForAllAsync(store, keys, $"never published '{prefix}/<rank>'", cancellationToken).ConfigureAwait(false);
        var values = new Task<byte[]>[size];
        for (int r = 0; r < size; r++)
        {
            values[r] = r == rank ? Task.FromResult(myValue.ToArray()) : store.GetAsync(keys[r], cancellationToken);
        }
        return await Task.WhenAll(values).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns once every rank has called it with the same <paramref name="name"/> (each sets
    /// <c>name/rank</c> and waits for all). Not a fast barrier: for bootstrap steps only.
    /// </summary>
    /// <exception cref="StoreTimeoutException">Some ranks never arrived; the message names them.</exception>
    public static async Task StoreBarrierAsync(IRendezvousStore store, string name, int rank, int size, CancellationToken cancellationToken = default)
    {
        string[] keys = Keys(store, name, rank, size);
        await store.SetAsync(keys[rank], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        await WaitForAllAsync(store, keys, $"never reached barrier '{name}'", cancellationToken).ConfigureAwait(false);
    }

    private static string[] Keys(IRendezvousStore store, string prefix, int rank, int size)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, StoreTuning.MaxKeysPerRequest);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, size);
        string[] keys = new string[size];
        for (int r = 0; r < size; r++)
        {
            keys[r] = KeyOf(prefix, r);
        }
        return keys;
    }

    private static string KeyOf(string prefix, int rank) => string.Create(CultureInfo.InvariantCulture, $"{prefix}/{rank}");

    private static async Task WaitForAllAsync(IRendezvousStore store, string[] keys, string verb, CancellationToken cancellationToken)
    {
        try
        {
            await store.WaitAsync(keys, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreTimeoutException e)
        {
            var missingKeys = e.MissingKeys.ToHashSet(StringComparer.Ordinal);
            var missing = new List<int>();
            for (int r = 0; r < keys.Length; r++)
            {
                if (missingKeys.Contains(keys[r]))
                {
                    missing.Add(r);
                }
            }
            string ranks = string.Join(", ", missing.Take(RanksShown)) + (missing.Count > RanksShown ? $" and {missing.Count - RanksShown} more" : "");
            throw new StoreTimeoutException(
                $"{(missing.Count == 1 ? "Rank" : "Ranks")} {ranks} of {keys.Length} {verb} within {e.Timeout} " +
                $"(rendezvous store at {e.StoreAddress}); they may have crashed, not started yet, or use another rendezvous address.",
                e.StoreAddress, e.MissingKeys, e.Timeout);
        }
    }
}
