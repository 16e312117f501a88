namespace Collectives.Bootstrap;

/// <summary>
/// The keys and values of an in-memory store, with parked waiters: a wait for a missing key
/// costs one shared completion per key, woken by the set, never a poll. Serves the TCP store's
/// server and <see cref="InMemoryStore"/>. Thread-safe.
/// </summary>
internal sealed class StoreTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ReadOnlyMemory<byte>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);

    /// <summary>Stores the value as given (callers pass memory nobody else writes to).</summary>
    public void Set(string key, ReadOnlyMemory<byte> value)
    {
        TaskCompletionSource? arrival;
        lock (_gate)
        {
            _values[key] = value;
            _arrivals.Remove(key, out arrival);
        }
        arrival?.TrySetResult();
    }

    public bool TryGet(string key, out ReadOnlyMemory<byte> value)
    {
        lock (_gate)
        {
            return _values.TryGetValue(key, out value);
        }
    }

    /// <exception cref="InvalidOperationException">The key holds no counter, or the sum overflows.</exception>
    public long Add(string key, long delta)
    {
        long result;
        TaskCompletionSource? arrival;
        lock (_gate)
        {
            bool exists = _values.TryGetValue(key, out ReadOnlyMemory<byte> current);
            result = StoreCounter.Add(key, current.Span, exists, delta);
            _values[key] = StoreCounter.Format(result);
            _arrivals.Remove(key, out arrival);
        }
        arrival?.TrySetResult();
        return result;
    }

    public bool Check(IReadOnlyList<string> keys)
    {
        lock (_gate)
        {
            return keys.All(_values.ContainsKey);
        }
    }

    public bool Delete(string key)
    {
        lock (_gate)
        {
            return _values.Remove(key);
        }
    }

    /// <summary>Waits until every key exists or the timeout passes; returns the keys still missing (none on success).</summary>
    public async Task<IReadOnlyList<string>> WaitAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = StoreDeadline.Start(timeout);
        foreach (string key in keys)
        {
            Task? arrival = ArrivalOf(key);
            if (arrival is null)
            {
                continue;
            }
            try
            {
                await arrival.WaitAsync(deadline.Remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return Missing(keys);
            }
        }
        return Missing(keys);
    }

    private Task? ArrivalOf(string key)
    {
        lock (_gate)
        {
            if (_values.ContainsKey(key))
            {
                return null;
            }
            if (!_arrivals.TryGetValue(key, out TaskCompletionSource? arrival))
            {
                arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _arrivals.Add(key, arrival);
            }
            return arrival.Task;
        }
    }

    private List<string> Missing(IReadOnlyList<string> keys)
    {
        lock (_gate)
        {
            return keys.Where(k => !_values.ContainsKey(k)).Distinct(StringComparer.Ordinal).ToList();
        }
    }
}
