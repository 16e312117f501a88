using System.Buffers.Binary;
using System.Security.Cryptography;
using Collectives.Security;

namespace Collectives.Tests.Security;

/// <summary>The mutual HMAC handshake over real loopback sockets: success, every refusal, truncation, replay.</summary>
public sealed class MutualAuthenticationTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly JobCredentials Job = JobCredentials.Create("job-1", "secret-1");

    private static ValueTask Dial(Stream stream, JobCredentials credentials, HandshakePurpose purpose = HandshakePurpose.Link,
        int dialer = 1, int acceptor = 0, CancellationToken cancellationToken = default) =>
        MutualAuthentication.DialAsync(stream, credentials, purpose, communicatorId: 0xC0FFEE, epoch: 3,
            dialerEndpoint: dialer, acceptorEndpoint: acceptor, channel: 2, cancellationToken);

    private static ValueTask<HandshakeHello> Accept(Stream stream, JobCredentials credentials, Func<HandshakeHello, bool>? admit = null,
        CancellationToken cancellationToken = default) =>
        MutualAuthentication.AcceptAsync(stream, credentials, admit ?? (_ => true), cancellationToken);

    [Fact]
    public async Task SucceedsAndReturnsTheDialersHello()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, Job).AsTask();
        HandshakeHello hello = await Accept(pair.Acceptor, Job).AsTask().WaitAsync(Guard);
        await dial.WaitAsync(Guard);

        Assert.Equal(HandshakePurpose.Link, hello.Purpose);
        Assert.Equal(Job.JobHash, hello.JobHash);
        Assert.Equal(0xC0FFEEUL, hello.CommunicatorId);
        Assert.Equal(3u, hello.Epoch);
        Assert.Equal(1, hello.DialerEndpoint);
        Assert.Equal(0, hello.AcceptorEndpoint);
        Assert.Equal((ushort)2, hello.Channel);
        Assert.Equal(HandshakeHello.NonceSize, hello.Nonce.Length);
    }

    [Fact]
    public async Task SucceedsWithRolesSwappedOnTheSameKindOfConnection()
    {
        // Either end of a socket may dial: the listening side (acceptor stream) dials here.
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Acceptor, Job, dialer: 0, acceptor: 1).AsTask();
        HandshakeHello hello = await Accept(pair.Dialer, Job).AsTask().WaitAsync(Guard);
        await dial.WaitAsync(Guard);
        Assert.Equal(0, hello.DialerEndpoint);
        Assert.Equal(1, hello.AcceptorEndpoint);
    }

    [Fact]
    public async Task SucceedsWithoutASecretWhenNeitherSideHasOne()
    {
        var open = JobCredentials.Create("job-1", null);
        Assert.False(open.IsAuthenticated);
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, open).AsTask();
        await Accept(pair.Acceptor, open).AsTask().WaitAsync(Guard);
        await dial.WaitAsync(Guard);
    }

    [Fact]
    public async Task WrongSecretFailsBothSidesWithTheirOwnMessages()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, JobCredentials.Create("job-1", "other-secret")).AsTask();
        Task accept = Accept(pair.Acceptor, Job).AsTask();

        var dialerError = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        var acceptorError = await Assert.ThrowsAsync<AuthenticationException>(() => accept.WaitAsync(Guard));
        Assert.Contains("Endpoint 0 did not prove it knows this job's secret", dialerError.Message);
        Assert.Contains("COLLECTIVES_SECRET", dialerError.Message);
        Assert.Contains("Endpoint 1 did not prove it knows this job's secret", acceptorError.Message);
        Assert.DoesNotContain("secret-1", dialerError.Message + acceptorError.Message);
        Assert.DoesNotContain("other-secret", dialerError.Message + acceptorError.Message);
    }

    [Fact]
    public async Task AJobWithoutSecretCannotJoinAJobWithOne()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, JobCredentials.Create("job-1", null)).AsTask();
        Task accept = Accept(pair.Acceptor, Job).AsTask();
        await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        await Assert.ThrowsAsync<AuthenticationException>(() => accept.WaitAsync(Guard));
    }

    [Fact]
    public async Task WrongJobIsRejectedAndTheDialerLearnsWhy()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, JobCredentials.Create("job-2", "secret-1")).AsTask();
        Task accept = Accept(pair.Acceptor, Job).AsTask();

        var acceptorError = await Assert.ThrowsAsync<AuthenticationException>(() => accept.WaitAsync(Guard));
        var dialerError = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        Assert.Contains("belongs to another job than 'job-1'", acceptorError.Message);
        Assert.Contains("rejected the connection from endpoint 1: WrongJob", dialerError.Message);
    }

    [Fact]
    public async Task NotAdmittedGivesTheDialerAClearUnexpectedRejection()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, Job).AsTask();
        Task accept = Accept(pair.Acceptor, Job, admit: _ => false).AsTask();

        var acceptorError = await Assert.ThrowsAsync<AuthenticationException>(() => accept.WaitAsync(Guard));
        var dialerError = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        Assert.Contains("nobody expects here", acceptorError.Message);
        Assert.Contains("epoch 3", acceptorError.Message);
        Assert.Contains("Endpoint 0 rejected the connection from endpoint 1: Unexpected", dialerError.Message);
    }

    [Fact]
    public async Task StoreConnectionsNameTheStoreRatherThanEndpointMinusOne()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, Job, HandshakePurpose.Store, dialer: 4, acceptor: -1).AsTask();
        Task accept = Accept(pair.Acceptor, Job, admit: h => h.Purpose == HandshakePurpose.Link).AsTask();
        await Assert.ThrowsAsync<AuthenticationException>(() => accept.WaitAsync(Guard));
        var dialerError = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        Assert.StartsWith("The rendezvous store rejected the connection from endpoint 4: Unexpected", dialerError.Message);
    }

    [Fact]
    public async Task GarbageInsteadOfAHelloIsRefused()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        byte[] garbage = new byte[HandshakeHello.Size];
        new Random(7).NextBytes(garbage);
        await pair.Dialer.WriteAsync(garbage);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => Accept(pair.Acceptor, Job).AsTask().WaitAsync(Guard));
        Assert.Contains("not a Collectives handshake", error.Message);
    }

    [Fact]
    public async Task HttpRequestInsteadOfAHelloIsRefused()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        await pair.Dialer.WriteAsync("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n"u8.ToArray());
        await Assert.ThrowsAsync<AuthenticationException>(() => Accept(pair.Acceptor, Job).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task AnotherProtocolVersionIsRejectedWithAReason()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        byte[] hello = RealHello();
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(4), HandshakeHello.ProtocolVersion + 1);
        await pair.Dialer.WriteAsync(hello);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => Accept(pair.Acceptor, Job).AsTask().WaitAsync(Guard));
        Assert.Contains("protocol version 2", error.Message);
        byte[] verdict = new byte[1];
        await pair.Dialer.ReadExactlyAsync(verdict).AsTask().WaitAsync(Guard);
        Assert.Equal((byte)HandshakeVerdict.WrongJob, verdict[0]);
    }

    [Fact]
    public async Task AcceptorFailsCleanlyWhenTheStreamEndsInsideTheHello()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        await pair.Dialer.WriteAsync(RealHello().AsMemory(0, 30));
        pair.Dialer.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => Accept(pair.Acceptor, Job).AsTask().WaitAsync(Guard));
        Assert.Contains("before a hello arrived", error.Message);
    }

    [Fact]
    public async Task AcceptorFailsCleanlyWhenTheDialerLeavesBeforeItsProof()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        await pair.Dialer.WriteAsync(RealHello());
        pair.Dialer.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => Accept(pair.Acceptor, Job).AsTask().WaitAsync(Guard));
        Assert.Contains("before the dialer's proof arrived", error.Message);
    }

    [Fact]
    public async Task DialerFailsCleanlyWhenTheAcceptorClosesAfterTheHello()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, Job).AsTask();
        await pair.Acceptor.ReadExactlyAsync(new byte[HandshakeHello.Size]);
        pair.Acceptor.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        Assert.Contains("before the acceptor's challenge arrived", error.Message);
    }

    [Fact]
    public async Task DialerFailsCleanlyOnATruncatedChallenge()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, Job).AsTask();
        await pair.Acceptor.ReadExactlyAsync(new byte[HandshakeHello.Size]);
        await pair.Acceptor.WriteAsync(new byte[] { (byte)HandshakeVerdict.Accepted, 1, 2, 3, 4, 5 });
        pair.Acceptor.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        Assert.Contains("before the acceptor's challenge arrived", error.Message);
    }

    [Fact]
    public async Task DialerRefusesAnImpostorAcceptorWithoutProvingItself()
    {
        // An impostor answers with a random "proof": the dialer must fail and send only zeros, never its own proof.
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        Task dial = Dial(pair.Dialer, Job).AsTask();
        await pair.Acceptor.ReadExactlyAsync(new byte[HandshakeHello.Size]);
        byte[] challenge = new byte[1 + 64];
        challenge[0] = (byte)HandshakeVerdict.Accepted;
        RandomNumberGenerator.Fill(challenge.AsSpan(1));
        await pair.Acceptor.WriteAsync(challenge);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => dial.WaitAsync(Guard));
        Assert.Contains("did not prove", error.Message);
        byte[] sent = new byte[32];
        await pair.Acceptor.ReadExactlyAsync(sent).AsTask().WaitAsync(Guard);
        Assert.All(sent, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task ARecordedDialerProofDoesNotPassAgainstANewAcceptorNonce()
    {
        // Session 1: a real handshake, with every byte the dialer sent recorded at the acceptor.
        byte[] recorded;
        await using (LoopbackPair first = await LoopbackPair.ConnectAsync())
        {
            var recorder = new RecordingStream(first.Acceptor);
            Task dial = Dial(first.Dialer, Job).AsTask();
            await Accept(recorder, Job).AsTask().WaitAsync(Guard);
            await dial.WaitAsync(Guard);
            recorded = recorder.BytesRead;
        }
        Assert.Equal(HandshakeHello.Size + 32, recorded.Length);

        // Session 2: an attacker replays the hello and the proof to a fresh acceptor.
        await using LoopbackPair second = await LoopbackPair.ConnectAsync();
        Task<HandshakeHello> accept = Accept(second.Acceptor, Job).AsTask();
        await second.Dialer.WriteAsync(recorded.AsMemory(0, HandshakeHello.Size));
        byte[] challenge = new byte[1 + 64];
        await second.Dialer.ReadExactlyAsync(challenge).AsTask().WaitAsync(Guard);
        await second.Dialer.WriteAsync(recorded.AsMemory(HandshakeHello.Size));
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => accept.WaitAsync(Guard));
        Assert.Contains("did not prove it knows this job's secret", error.Message);
        byte[] verdict = new byte[1];
        await second.Dialer.ReadExactlyAsync(verdict).AsTask().WaitAsync(Guard);
        Assert.Equal((byte)HandshakeVerdict.BadProof, verdict[0]);
    }

    [Fact]
    public async Task ASilentPeerEndsAtTheCallersDeadline()
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Accept(pair.Acceptor, Job, cancellationToken: deadline.Token).AsTask().WaitAsync(Guard));
    }

    /// <summary>A well-formed hello of this job, as a dialer would send it.</summary>
    private static byte[] RealHello()
    {
        byte[] bytes = new byte[HandshakeHello.Size];
        new HandshakeHello(HandshakePurpose.Link, Job.JobHash, 1, 0, 1, 0, 0, RandomNumberGenerator.GetBytes(HandshakeHello.NonceSize)).Write(bytes);
        return bytes;
    }
}
