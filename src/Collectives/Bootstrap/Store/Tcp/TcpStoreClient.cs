using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Collectives.Security;

namespace Collectives.Bootstrap;

/// <summary>
/// A rank's connection to a <see cref="TcpStoreServer"/>. Connecting retries until the deadline
/// (the server may start after its clients), then runs the store handshake. Requests are
/// multiplexed over the one connection (a parked get does not hold up a set from another task).
/// Blocking waits happen on the server; the client only holds a deadline. When the server goes
/// away every pending and later call fails with a <see cref="StoreUnavailableException"/> naming its address.
/// </summary>
public sealed class TcpStoreClient : IRendezvousStore
{
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, Pending> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiveLoop;
    private Exception? _broken;
    private int _nextRequestId;
    private int _disposed;

    private TcpStoreClient(NetworkStream stream, RendezvousAddress address, TimeSpan timeout)
    {
        _stream = stream;
        Address = address.ToString();
        Timeout = timeout;
        _receiveLoop = ReceiveLoopAsync();
    }

    public string Address { get; }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Connects to the store at <paramref name="address"/> as <paramref name="rank"/>, retrying
    /// until <paramref name="timeout"/> passes, and authenticates with <paramref name="credentials"/>.
    /// <paramref name="timeout"/> is also the deadline of every later wait.
    /// </summary>
    /// <exception cref="StoreUnavailableException">No store answered at that address within the deadline.</exception>
    /// <exception cref="AuthenticationException">A store answered but failed or refused the handshake (another secret or job).</exception>
    public static async Task<TcpStoreClient> ConnectAsync(RendezvousAddress address, JobCredentials credentials, int rank,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(credentials);
        if (address.Kind != RendezvousKind.Tcp)
        {
            throw new ArgumentException($"{address} is not a TCP store address.", nameof(address));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var deadline = StoreDeadline.Start(timeout);
        TimeSpan pause = StoreTuning.ConnectRetryStart;
        Exception? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(deadline.Remaining);
            Socket? socket = null;
            try
            {
                IPAddress[] addresses = IPAddress.TryParse(address.Host, out IPAddress? literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(address.Host!, attempt.Token).ConfigureAwait(false);
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(addresses, address.Port, attempt.Token).ConfigureAwait(false);
                var stream = new NetworkStream(socket, ownsSocket: true);
                try
                {
                    await MutualAuthentication.DialAsync(stream, credentials, HandshakePurpose.Store,
                        communicatorId: 0, epoch: 0, dialerEndpoint: rank, acceptorEndpoint: -1, channel: 0, attempt.Token).ConfigureAwait(false);
                }
                catch
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                return new TcpStoreClient(stream, address, timeout);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // Not listening yet, unreachable, reset while starting: try again until the deadline.
                socket?.Dispose();
                lastError = e;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket?.Dispose();
                lastError ??= new TimeoutException("the last attempt did not finish before the deadline");
            }
            catch
            {
                socket?.Dispose();
                throw;
            }
            if (deadline.Expired)
            {
                throw new StoreUnavailableException(
                    $"Could not reach the rendezvous store at {address} within {timeout} (last error: {lastError.Message}). " +
                    "Check that rank 0 (or `collectives store`) runs there and that every rank uses the same rendezvous address.",
                    address.ToString(), lastError);
            }
            await Task.Delay(pause < deadline.Remaining ? pause : deadline.Remaining, cancellationToken).ConfigureAwait(false);
            pause = pause * 2 < StoreTuning.ConnectRetryCap ? pause * 2 : StoreTuning.ConnectRetryCap;
        }
    }

    public async Task SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        StoreKeys.ValidateValue(value);
        await RequestAsync(new StoreRequest(StoreOpcode.Set, 0, [key]) { Value = value }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        StoreResponse response = await RequestAsync(
            new StoreRequest(StoreOpcode.Get, 0, [key]) { TimeoutMilliseconds = WaitMilliseconds }, cancellationToken).ConfigureAwait(false);
        return response.Value.ToArray();
    }

    public async Task<long> AddAsync(string key, long delta, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        StoreResponse response = await RequestAsync(new StoreRequest(StoreOpcode.Add, 0, [key]) { Delta = delta }, cancellationToken).ConfigureAwait(false);
        return response.Number;
    }

    public async Task WaitAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        StoreKeys.ValidateAll(keys);
        if (keys.Count > 0)
        {
            await RequestAsync(new StoreRequest(StoreOpcode.Wait, 0, [.. keys]) { TimeoutMilliseconds = WaitMilliseconds }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> CheckAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        StoreKeys.ValidateAll(keys);
        return (await RequestAsync(new StoreRequest(StoreOpcode.Check, 0, [.. keys]), cancellationToken).ConfigureAwait(false)).Flag;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        return (await RequestAsync(new StoreRequest(StoreOpcode.Delete, 0, [key]), cancellationToken).ConfigureAwait(false)).Flag;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Fail(new ObjectDisposedException(nameof(TcpStoreClient), $"The connection to the rendezvous store at {Address} was closed by this process."));
        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _closing.Dispose();
        _writeLock.Dispose();
    }

    private uint WaitMilliseconds => (uint)Math.Min(Timeout.TotalMilliseconds, DurationText.Max.TotalMilliseconds);

    /// <summary>Sends a request and awaits its answer; Ok answers are returned, all others thrown as the public exceptions.</summary>
    private async Task<StoreResponse> RequestAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        ThrowIfBroken();
        uint id = (uint)Interlocked.Increment(ref _nextRequestId);
        request = request with { RequestId = id };
        (byte[] Head, ReadOnlyMemory<byte> Tail) frame = StoreProtocol.EncodeRequest(request);
        var pending = new Pending(request.Opcode, new TaskCompletionSource<StoreResponse>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[id] = pending;
        if (Volatile.Read(ref _broken) is Exception broken)
        {
            pending.Answer.TrySetException(Unavailable(broken)); // failed between the check above and the registration
        }
        // A wait is answered by the server at its deadline; past that, silence means the server is gone.
        TimeSpan answerWithin = request.Opcode is StoreOpcode.Get or StoreOpcode.Wait ? Timeout + StoreTuning.ServerAnswerGrace : Timeout;
        try
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
            StoreResponse response = await pending.Answer.Task.WaitAsync(answerWithin, cancellationToken).ConfigureAwait(false);
            return response.Status switch
            {
                StoreStatus.Ok => response,
                StoreStatus.Timeout => throw StoreTimeoutException.For(Address, response.MissingKeys, Timeout),
                _ => throw new InvalidOperationException($"The rendezvous store at {Address} refused a {request.Opcode}: {response.Message}"),
            };
        }
        catch (TimeoutException e) when (e is not StoreTimeoutException)
        {
            throw new StoreUnavailableException(
                $"The rendezvous store at {Address} did not answer a {request.Opcode} of {Describe(request.Keys)} within " +
                $"{answerWithin.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; it may be overloaded, hung or unreachable.", Address, e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task SendAsync((byte[] Head, ReadOnlyMemory<byte> Tail) frame, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        deadline.CancelAfter(Timeout);
        await _writeLock.WaitAsync(deadline.Token).ConfigureAwait(false);
        try
        {
            await StoreProtocol.WriteFrameAsync(_stream, frame, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Half a frame may be on the wire: the connection cannot carry another request.
            Fail(e is IOException io ? io : new IOException("A request to the store was interrupted mid-write.", e));
            ThrowIfBroken();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                StoreFrame? frame = await StoreProtocol.ReadFrameAsync(_stream, isRequest: false, _closing.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    throw new EndOfStreamException("the store closed the connection");
                }
                StoreResponse response = StoreProtocol.ParseResponse(frame.Value.Header, frame.Value.Body);
                if (_pending.TryGetValue(response.RequestId, out Pending? pending))
                {
                    if (pending.Opcode != response.Opcode)
                    {
                        throw new StoreProtocolException($"Malformed store frame: a {response.Opcode} answer to a {pending.Opcode} request.");
                    }
                    pending.Answer.TrySetResult(response);
                }
                // Otherwise the caller gave up (cancelled or timed out) and the answer has no taker.
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>Marks the connection dead and fails every pending request (first cause wins).</summary>
    private void Fail(Exception cause)
    {
        Interlocked.CompareExchange(ref _broken, cause, null);
        Exception error = Unavailable(_broken!);
        foreach (Pending pending in _pending.Values)
        {
            pending.Answer.TrySetException(error);
        }
    }

    private void ThrowIfBroken()
    {
        if (Volatile.Read(ref _broken) is Exception broken)
        {
            throw Unavailable(broken);
        }
    }

    private Exception Unavailable(Exception cause) => cause switch
    {
        ObjectDisposedException disposed => new ObjectDisposedException(disposed.Message, disposed),
        StoreProtocolException protocol => new StoreUnavailableException(
            $"The rendezvous store at {Address} sent bytes that break the store protocol ({protocol.Message}); " +
            "is another program (or another Collectives version) listening there?", Address, protocol),
        _ => new StoreUnavailableException(
            $"Lost the connection to the rendezvous store at {Address} ({cause.Message}): it stopped or crashed " +
            "(rank 0 serves it: did rank 0 exit?), so this rank cannot rendezvous any more.", Address, cause),
    };

    private static string Describe(string[] keys) => keys.Length == 1 ? $"'{keys[0]}'" : $"{keys.Length} keys";

    private sealed record Pending(StoreOpcode Opcode, TaskCompletionSource<StoreResponse> Answer);
}
