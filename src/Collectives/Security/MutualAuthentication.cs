using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Collectives.Security;

/// <summary>
/// The mutual HMAC-SHA256 challenge every connection starts with (DESIGN.md, wire rules):
/// <list type="number">
/// <item>dialer → acceptor: <see cref="HandshakeHello"/> (job, version, epoch, ranks, purpose, dialer nonce);</item>
/// <item>acceptor → dialer: a verdict byte; when it is <see cref="HandshakeVerdict.Accepted"/> ("go on"),
/// the acceptor nonce + HMAC(key, "acceptor" ‖ hello ‖ acceptor nonce) follow, otherwise nothing;</item>
/// <item>dialer → acceptor: HMAC(key, "dialer" ‖ hello ‖ acceptor nonce);</item>
/// <item>acceptor → dialer: one verdict byte.</item>
/// </list>
/// Each side proves it knows the key over the other side's fresh nonce, so neither proof can be
/// replayed; proofs are compared in constant time. A dialer that cannot verify the acceptor sends
/// an all-zero proof instead of its own (it never proves itself to an impostor), so the acceptor
/// fails at once rather than waiting out its deadline. Every read is bounded and has the caller's deadline.
/// </summary>
public static class MutualAuthentication
{
    private const int ProofSize = 32;
    private const int ChallengeSize = HandshakeHello.NonceSize + ProofSize;
    private static readonly byte[] AcceptorLabel = Encoding.ASCII.GetBytes("acceptor");
    private static readonly byte[] DialerLabel = Encoding.ASCII.GetBytes("dialer");

    /// <summary>The dialer's side. Throws <see cref="AuthenticationException"/> when either side's proof fails or the acceptor refuses.</summary>
    public static async ValueTask DialAsync(Stream stream, JobCredentials credentials, HandshakePurpose purpose,
        ulong communicatorId, uint epoch, int dialerEndpoint, int acceptorEndpoint, ushort channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(credentials);
        byte[] helloBytes = new byte[HandshakeHello.Size];
        new HandshakeHello(purpose, credentials.JobHash, communicatorId, epoch, dialerEndpoint, acceptorEndpoint, channel,
            RandomNumberGenerator.GetBytes(HandshakeHello.NonceSize)).Write(helloBytes);
        await stream.WriteAsync(helloBytes, cancellationToken).ConfigureAwait(false);

        string acceptor = Describe(purpose, acceptorEndpoint);
        byte[] verdict = new byte[1];
        await ReadExactlyAsync(stream, verdict, "the acceptor's challenge", cancellationToken).ConfigureAwait(false);
        ThrowIfRejected((HandshakeVerdict)verdict[0], acceptor, dialerEndpoint, credentials);

        byte[] challenge = new byte[ChallengeSize];
        await ReadExactlyAsync(stream, challenge, "the acceptor's challenge", cancellationToken).ConfigureAwait(false);
        ReadOnlySpan<byte> acceptorNonce = challenge.AsSpan(0, HandshakeHello.NonceSize);
        byte[] expected = Proof(credentials, AcceptorLabel, helloBytes, acceptorNonce);
        if (!CryptographicOperations.FixedTimeEquals(expected, challenge.AsSpan(HandshakeHello.NonceSize)))
        {
            await WriteBestEffortAsync(stream, new byte[ProofSize], cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"{Capitalize(acceptor)} did not prove it knows this job's secret (job '{credentials.JobId}'); " +
                "check that every rank has the same COLLECTIVES_SECRET and job id, and that the address is the right one.");
        }
        await stream.WriteAsync(Proof(credentials, DialerLabel, helloBytes, acceptorNonce), cancellationToken).ConfigureAwait(false);

        await ReadExactlyAsync(stream, verdict, "the acceptor's verdict", cancellationToken).ConfigureAwait(false);
        ThrowIfRejected((HandshakeVerdict)verdict[0], acceptor, dialerEndpoint, credentials);
    }

    /// <summary>
    /// The acceptor's side. Reads the hello, lets <paramref name="admit"/> decide whether such a
    /// connection is expected, then runs the challenge. Returns the verified hello; throws
    /// <see cref="AuthenticationException"/> (after telling the dialer why) otherwise.
    /// </summary>
    public static async ValueTask<HandshakeHello> AcceptAsync(Stream stream, JobCredentials credentials,
        Func<HandshakeHello, bool> admit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(admit);
        byte[] helloBytes = new byte[HandshakeHello.Size];
        // The magic first: a stranger that sent fewer bytes than a hello (an HTTP probe) is refused now, not at the deadline.
        await ReadExactlyAsync(stream, helloBytes.AsMemory(0, 4), "a hello", cancellationToken).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt32LittleEndian(helloBytes) != HandshakeHello.Magic)
        {
            throw new AuthenticationException("A connection opened with bytes that are not a Collectives handshake; closed it.");
        }
        await ReadExactlyAsync(stream, helloBytes.AsMemory(4), "a hello", cancellationToken).ConfigureAwait(false);
        if (!HandshakeHello.TryRead(helloBytes, out HandshakeHello hello))
        {
            // A Collectives peer of another version (or a malformed hello): worth telling it why.
            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(helloBytes.AsSpan(4));
            await RejectAsync(stream, HandshakeVerdict.WrongJob, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"A peer spoke handshake protocol version {version} (or a malformed hello); this process speaks " +
                $"version {HandshakeHello.ProtocolVersion}. Run the same Collectives version on every rank; closed its connection.");
        }
        if (hello.JobHash != credentials.JobHash)
        {
            await RejectAsync(stream, HandshakeVerdict.WrongJob, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"{Capitalize(Describe(hello.Purpose, hello.DialerEndpoint))} belongs to another job than '{credentials.JobId}'; closed its connection.");
        }
        if (!admit(hello))
        {
            await RejectAsync(stream, HandshakeVerdict.Unexpected, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"{Capitalize(Describe(hello.Purpose, hello.DialerEndpoint))} asked for a {hello.Purpose} connection to " +
                $"{Describe(hello.Purpose, hello.AcceptorEndpoint)} (communicator {hello.CommunicatorId:x16}, epoch {hello.Epoch}, " +
                $"channel {hello.Channel}) that nobody expects here.");
        }

        byte[] acceptorNonce = RandomNumberGenerator.GetBytes(HandshakeHello.NonceSize);
        byte[] challenge = new byte[1 + ChallengeSize];
        challenge[0] = (byte)HandshakeVerdict.Accepted;
        acceptorNonce.CopyTo(challenge, 1);
        Proof(credentials, AcceptorLabel, helloBytes, acceptorNonce).CopyTo(challenge, 1 + HandshakeHello.NonceSize);
        await stream.WriteAsync(challenge, cancellationToken).ConfigureAwait(false);

        byte[] proof = new byte[ProofSize];
        await ReadExactlyAsync(stream, proof, "the dialer's proof", cancellationToken).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(proof, Proof(credentials, DialerLabel, helloBytes, acceptorNonce)))
        {
            await RejectAsync(stream, HandshakeVerdict.BadProof, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"{Capitalize(Describe(hello.Purpose, hello.DialerEndpoint))} did not prove it knows this job's secret " +
                $"(job '{credentials.JobId}'); check that every rank has the same COLLECTIVES_SECRET. Closed its connection.");
        }
        await stream.WriteAsync(new[] { (byte)HandshakeVerdict.Accepted }, cancellationToken).ConfigureAwait(false);
        return hello;
    }

    private static void ThrowIfRejected(HandshakeVerdict verdict, string acceptor, int dialerEndpoint, JobCredentials credentials)
    {
        if (verdict == HandshakeVerdict.Accepted)
        {
            return;
        }
        string why = verdict switch
        {
            HandshakeVerdict.BadProof => "it says this process does not know the job's secret; check that every rank has the same COLLECTIVES_SECRET",
            HandshakeVerdict.WrongJob => $"it belongs to another job than '{credentials.JobId}' or runs another protocol version; check the job id and rendezvous address",
            HandshakeVerdict.Unexpected => "nobody there expects this connection (wrong purpose, communicator, epoch or endpoint); check that both ranks are in the same step of the job",
            _ => "it answered with a verdict this version does not know; check that every rank runs the same Collectives version",
        };
        throw new AuthenticationException(
            $"{Capitalize(acceptor)} rejected the connection from endpoint {dialerEndpoint}: {verdict} ({why}).");
    }

    /// <summary>Store connections name their acceptor -1: say "the rendezvous store" rather than "endpoint -1".</summary>
    private static string Describe(HandshakePurpose purpose, int endpoint) =>
        purpose == HandshakePurpose.Store && endpoint < 0 ? "the rendezvous store" : $"endpoint {endpoint}";

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static byte[] Proof(JobCredentials credentials, byte[] label, ReadOnlySpan<byte> hello, ReadOnlySpan<byte> acceptorNonce)
    {
        // Labels are zero-padded to 16 bytes; clear explicitly in case the module ever skips locals init.
        Span<byte> message = stackalloc byte[16 + HandshakeHello.Size + HandshakeHello.NonceSize];
        message[..16].Clear();
        label.CopyTo(message);
        hello.CopyTo(message[16..]);
        acceptorNonce.CopyTo(message[(16 + HandshakeHello.Size)..]);
        return HMACSHA256.HashData(credentials.Key, message);
    }

    private static ValueTask RejectAsync(Stream stream, HandshakeVerdict verdict, CancellationToken cancellationToken) =>
        WriteBestEffortAsync(stream, new[] { (byte)verdict }, cancellationToken);

    private static async ValueTask WriteBestEffortAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer is gone already; nothing more to tell it.
        }
        catch (ObjectDisposedException)
        {
            // Likewise: the stream was closed under us.
        }
    }

    private static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new AuthenticationException($"The connection closed during the handshake, before {what} arrived.", e);
        }
    }
}
