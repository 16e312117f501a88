using System.Security.Cryptography;
using System.Text;

namespace Collectives.Security;

/// <summary>
/// The mutual HMAC-SHA256 challenge every connection starts with (DESIGN.md, wire rules):
/// <list type="number">
/// <item>dialer → acceptor: <see cref="HandshakeHello"/> (job, version, epoch, ranks, purpose, dialer nonce);</item>
/// <item>acceptor → dialer: acceptor nonce + HMAC(key, "acceptor" ‖ hello ‖ acceptor nonce);</item>
/// <item>dialer → acceptor: HMAC(key, "dialer" ‖ hello ‖ acceptor nonce);</item>
/// <item>acceptor → dialer: one verdict byte.</item>
/// </list>
/// Each side proves it knows the key over the other side's fresh nonce, so neither proof can be
/// replayed; proofs are compared in constant time. Every read is bounded and has the caller's deadline.
/// </summary>
public static class MutualAuthentication
{
    private const int ProofSize = 32;
    private static readonly byte[] AcceptorLabel = Encoding.ASCII.GetBytes("acceptor");
    private static readonly byte[] DialerLabel = Encoding.ASCII.GetBytes("dialer");

    /// <summary>The dialer's side. Throws <see cref="AuthenticationException"/> when either side's proof fails.</summary>
    public static async ValueTask DialAsync(Stream stream, JobCredentials credentials, HandshakePurpose purpose,
        ulong communicatorId, uint epoch, int dialerEndpoint, int acceptorEndpoint, ushort channel, CancellationToken cancellationToken)
    {
        byte[] helloBytes = new byte[HandshakeHello.Size];
        new HandshakeHello(purpose, credentials.JobHash, communicatorId, epoch, dialerEndpoint, acceptorEndpoint, channel,
            RandomNumberGenerator.GetBytes(HandshakeHello.NonceSize)).Write(helloBytes);
        await stream.WriteAsync(helloBytes, cancellationToken).ConfigureAwait(false);

        byte[] challenge = new byte[HandshakeHello.NonceSize + ProofSize];
        await ReadExactlyAsync(stream, challenge, "the acceptor's challenge", cancellationToken).ConfigureAwait(false);
        ReadOnlyMemory<byte> acceptorNonce = challenge.AsMemory(0, HandshakeHello.NonceSize);
        byte[] expected = Proof(credentials, AcceptorLabel, helloBytes, acceptorNonce.Span);
        if (!CryptographicOperations.FixedTimeEquals(expected, challenge.AsSpan(HandshakeHello.NonceSize)))
        {
            throw new AuthenticationException(
                $"Endpoint {acceptorEndpoint} did not prove it knows this job's secret (job '{credentials.JobId}'); " +
                "check that every rank has the same COLLECTIVES_SECRET and job id, and that the address is the right one.");
        }
        await stream.WriteAsync(Proof(credentials, DialerLabel, helloBytes, acceptorNonce.Span), cancellationToken).ConfigureAwait(false);

        byte[] verdict = new byte[1];
        await ReadExactlyAsync(stream, verdict, "the acceptor's verdict", cancellationToken).ConfigureAwait(false);
        if ((HandshakeVerdict)verdict[0] != HandshakeVerdict.Accepted)
        {
            throw new AuthenticationException(
                $"Endpoint {acceptorEndpoint} rejected the connection from endpoint {dialerEndpoint}: {(HandshakeVerdict)verdict[0]}.");
        }
    }

    /// <summary>
    /// The acceptor's side. Reads the hello, lets <paramref name="admit"/> decide whether such a
    /// connection is expected, then runs the challenge. Returns the verified hello; throws
    /// <see cref="AuthenticationException"/> (after telling the dialer why) otherwise.
    /// </summary>
    public static async ValueTask<HandshakeHello> AcceptAsync(Stream stream, JobCredentials credentials,
        Func<HandshakeHello, bool> admit, CancellationToken cancellationToken)
    {
        byte[] helloBytes = new byte[HandshakeHello.Size];
        await ReadExactlyAsync(stream, helloBytes, "a hello", cancellationToken).ConfigureAwait(false);
        if (!HandshakeHello.TryRead(helloBytes, out HandshakeHello hello))
        {
            throw new AuthenticationException("A connection opened with bytes that are not a Collectives handshake; closed it.");
        }
        if (hello.JobHash != credentials.JobHash)
        {
            await RejectAsync(stream, HandshakeVerdict.WrongJob, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"Endpoint {hello.DialerEndpoint} belongs to another job than '{credentials.JobId}'; closed its connection.");
        }
        if (!admit(hello))
        {
            await RejectAsync(stream, HandshakeVerdict.Unexpected, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"Endpoint {hello.DialerEndpoint} asked for a {hello.Purpose} to endpoint {hello.AcceptorEndpoint} " +
                $"(communicator {hello.CommunicatorId:x16}, epoch {hello.Epoch}, channel {hello.Channel}) that nobody expects here.");
        }

        byte[] acceptorNonce = RandomNumberGenerator.GetBytes(HandshakeHello.NonceSize);
        byte[] challenge = new byte[HandshakeHello.NonceSize + ProofSize];
        acceptorNonce.CopyTo(challenge, 0);
        Proof(credentials, AcceptorLabel, helloBytes, acceptorNonce).CopyTo(challenge, HandshakeHello.NonceSize);
        await stream.WriteAsync(challenge, cancellationToken).ConfigureAwait(false);

        byte[] proof = new byte[ProofSize];
        await ReadExactlyAsync(stream, proof, "the dialer's proof", cancellationToken).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(proof, Proof(credentials, DialerLabel, helloBytes, acceptorNonce)))
        {
            await RejectAsync(stream, HandshakeVerdict.BadProof, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationException(
                $"Endpoint {hello.DialerEndpoint} did not prove it knows this job's secret (job '{credentials.JobId}'); closed its connection.");
        }
        await stream.WriteAsync(new[] { (byte)HandshakeVerdict.Accepted }, cancellationToken).ConfigureAwait(false);
        return hello;
    }

    private static byte[] Proof(JobCredentials credentials, byte[] label, ReadOnlySpan<byte> hello, ReadOnlySpan<byte> acceptorNonce)
    {
        Span<byte> message = stackalloc byte[16 + HandshakeHello.Size + HandshakeHello.NonceSize];
        label.CopyTo(message);
        hello.CopyTo(message[16..]);
        acceptorNonce.CopyTo(message[(16 + HandshakeHello.Size)..]);
        return HMACSHA256.HashData(credentials.Key, message);
    }

    private static async ValueTask RejectAsync(Stream stream, HandshakeVerdict verdict, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(new[] { (byte)verdict }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The dialer is gone already; nothing more to tell it.
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
