namespace Collectives.Bootstrap;

/// <summary>A store wait passed its deadline; <see cref="MissingKeys"/> says which keys never appeared.</summary>
public sealed class StoreTimeoutException : TimeoutException
{
    public StoreTimeoutException(string message, string storeAddress, IReadOnlyList<string> missingKeys, TimeSpan timeout)
        : base(message)
    {
        StoreAddress = storeAddress;
        MissingKeys = missingKeys;
        Timeout = timeout;
    }

    public string StoreAddress { get; }

    public IReadOnlyList<string> MissingKeys { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The standard message: which keys, where, for how long, and what it likely means.</summary>
    internal static StoreTimeoutException For(string storeAddress, IReadOnlyList<string> missingKeys, TimeSpan timeout)
    {
        const int Shown = 8;
        string keys = string.Join(", ", missingKeys.Take(Shown).Select(k => $"'{k}'")) +
            (missingKeys.Count > Shown ? $" and {missingKeys.Count - Shown} more" : "");
        return new StoreTimeoutException(
            $"Waited {timeout} for {(missingKeys.Count == 1 ? "key" : "keys")} {keys} in the rendezvous store at {storeAddress}, " +
            "but no rank set it. The rank that should have may have crashed, not started yet, or use another rendezvous address; " +
            "raise COLLECTIVES_TIMEOUT if ranks start slowly.",
            storeAddress, missingKeys, timeout);
    }
}
