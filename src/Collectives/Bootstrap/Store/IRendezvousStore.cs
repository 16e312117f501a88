namespace Collectives.Bootstrap;

/// <summary>
/// The key-value store ranks meet through before they connect to each other directly (host
/// identities, transport address blobs); never on the data path. Every wait has the store's
/// deadline (<see cref="Timeout"/>): a key that never appears fails with a
/// <see cref="StoreTimeoutException"/> naming it, a store that cannot be reached with a
/// <see cref="StoreUnavailableException"/> naming its address.
/// Keys are non-empty strings of at most <see cref="StoreTuning.MaxKeyBytes"/> UTF-8 bytes;
/// values at most <see cref="StoreTuning.MaxValueBytes"/> bytes.
/// </summary>
public interface IRendezvousStore : IAsyncDisposable
{
    /// <summary>Where the store is, for messages ("tcp://10.0.0.1:29501", "file:///tmp/collectives-42").</summary>
    string Address { get; }

    /// <summary>The deadline of every wait, counted from the start of each call.</summary>
    TimeSpan Timeout { get; }

    /// <summary>Sets (or replaces) a key's value and wakes everyone waiting for it.</summary>
    Task SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Returns a key's value, waiting until some rank sets it.</summary>
    Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="delta"/> to the counter at <paramref name="key"/> (a missing key counts
    /// as 0) atomically and returns the new value. Counters are stored as decimal text, so
    /// <see cref="GetAsync"/> reads them as such.
    /// </summary>
    Task<long> AddAsync(string key, long delta, CancellationToken cancellationToken = default);

    /// <summary>Waits until every key exists.</summary>
    Task WaitAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Whether every key exists now; does not wait.</summary>
    Task<bool> CheckAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Removes a key; returns whether it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
