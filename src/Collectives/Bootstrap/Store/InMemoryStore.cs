namespace Collectives.Bootstrap;

/// <summary>
/// A store inside one process, for ranks that are tasks of one process (tests, local groups):
/// same semantics and deadlines as the TCP and file stores.
/// </summary>
public sealed class InMemoryStore : IRendezvousStore
{
    private readonly StoreTable _table = new();

    public InMemoryStore(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
    }

    public string Address => "memory";

    public TimeSpan Timeout { get; }

    public Task SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        StoreKeys.ValidateValue(value);
        _table.Set(key, value.ToArray());
        return Task.CompletedTask;
    }

    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        var deadline = StoreDeadline.Start(Timeout);
        while (true)
        {
            await WaitCoreAsync([key], deadline, cancellationToken).ConfigureAwait(false);
            if (_table.TryGet(key, out ReadOnlyMemory<byte> value))
            {
                return value.ToArray();
            }
            // Deleted between the wake-up and the read: wait for the next set.
        }
    }

    public Task<long> AddAsync(string key, long delta, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        return Task.FromResult(_table.Add(key, delta));
    }

    public Task WaitAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        StoreKeys.ValidateAll(keys);
        return WaitCoreAsync(keys, StoreDeadline.Start(Timeout), cancellationToken);
    }

    public Task<bool> CheckAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        StoreKeys.ValidateAll(keys);
        return Task.FromResult(_table.Check(keys));
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        return Task.FromResult(_table.Delete(key));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task WaitCoreAsync(IReadOnlyList<string> keys, StoreDeadline deadline, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> missing = await _table.WaitAsync(keys, deadline.Remaining, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            throw StoreTimeoutException.For(Address, missing, Timeout);
        }
    }
}
