namespace Collectives.Bootstrap;

/// <summary>Every number that shapes the rendezvous stores, with its reason, in one place.</summary>
public static class StoreTuning
{
    /// <summary>Longest key, in UTF-8 bytes: room for a prefix and a rank, small enough to check before reading it.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>Largest value: far above an address blob, small enough that one bad request cannot exhaust memory.</summary>
    public const int MaxValueBytes = 64 << 20;

    /// <summary>Most keys one wait or check names: a job of 64 Ki ranks waiting on one key each.</summary>
    public const int MaxKeysPerRequest = 1 << 16;

    /// <summary>Default deadline of every store wait when the job sets none (as the communicator's default).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long a new connection may take to finish the handshake: a silent stranger is dropped after this.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the server waits for a client to take a response before giving up on that client.</summary>
    public static readonly TimeSpan ResponseWriteTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Extra time a client gives the server to answer after a wait's deadline: the server answers
    /// a timed-out wait itself (naming the missing keys); silence past this means the server is gone.
    /// </summary>
    public static readonly TimeSpan ServerAnswerGrace = TimeSpan.FromSeconds(5);

    /// <summary>Connections still in their handshake at once; more are closed at once (a flood of strangers).</summary>
    public const int MaxPendingHandshakes = 256;

    /// <summary>First pause between a client's connection attempts: the server may not be listening yet.</summary>
    public static readonly TimeSpan ConnectRetryStart = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest pause between connection attempts: retries stay cheap yet a late server is found within a second.</summary>
    public static readonly TimeSpan ConnectRetryCap = TimeSpan.FromMilliseconds(500);

    /// <summary>First pause of a file store poll: keys written by a rank on the same host usually appear within a millisecond.</summary>
    public static readonly TimeSpan FilePollStart = TimeSpan.FromMilliseconds(1);

    /// <summary>Longest pause of a file store poll: ranks oversubscribing cores still see a key within 50 ms.</summary>
    public static readonly TimeSpan FilePollCap = TimeSpan.FromMilliseconds(50);
}
