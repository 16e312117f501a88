namespace Collectives.Bootstrap;

/// <summary>Serving one authenticated client: requests in order, waits in parallel, answers under one write lock.</summary>
public sealed partial class TcpStoreServer
{
    /// <summary>Longest wait a request may ask for: what a timer can hold.</summary>
    private static readonly TimeSpan MaxWait = DurationText.Max;

    private async Task ServeRequestsAsync(Stream stream, string client)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        using var writeLock = new SemaphoreSlim(1, 1);
        var waits = new List<Task>();
        try
        {
            while (true)
            {
                StoreFrame? frame = await StoreProtocol.ReadFrameAsync(stream, isRequest: true, connection.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    return; // the client closed its end
                }
                StoreRequest request = StoreProtocol.ParseRequest(frame.Value.Header, frame.Value.Body);
                if (request.Opcode is StoreOpcode.Get or StoreOpcode.Wait)
                {
                    // Parked until the key is set, so later requests of this client must not queue behind it.
                    waits.RemoveAll(t => t.IsCompleted);
                    waits.Add(AnswerWaitAsync(stream, writeLock, request, connection));
                }
                else
                {
                    await AnswerAsync(stream, writeLock, Execute(request), connection.Token).ConfigureAwait(false);
                }
            }
        }
        catch (StoreProtocolException e)
        {
            Log($"{client} broke the store protocol ({e.Message}); closed its connection");
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(waits).ConfigureAwait(false);
        }
    }

    private StoreResponse Execute(StoreRequest request)
    {
        var ok = new StoreResponse(request.Opcode, StoreStatus.Ok, request.RequestId);
        string key = request.Keys.Length > 0 ? request.Keys[0] : "";
        switch (request.Opcode)
        {
            case StoreOpcode.Set:
                // The value is a slice of this request's own body buffer: nobody else holds it.
                _table.Set(key, request.Value);
                return ok;
            case StoreOpcode.Add:
                try
                {
                    return ok with { Number = _table.Add(key, request.Delta) };
                }
                catch (InvalidOperationException e)
                {
                    return new StoreResponse(request.Opcode, StoreStatus.Error, request.RequestId) { Message = e.Message };
                }
            case StoreOpcode.Check:
                return ok with { Flag = _table.Check(request.Keys) };
            default:
                return ok with { Flag = _table.Delete(key) };
        }
    }

    private async Task AnswerWaitAsync(Stream stream, SemaphoreSlim writeLock, StoreRequest request, CancellationTokenSource connection)
    {
        try
        {
            TimeSpan timeout = TimeSpan.FromMilliseconds(request.TimeoutMilliseconds);
            var deadline = StoreDeadline.Start(timeout < MaxWait ? timeout : MaxWait);
            StoreResponse response;
            while (true)
            {
                IReadOnlyList<string> missing = await _table.WaitAsync(request.Keys, deadline.Remaining, connection.Token).ConfigureAwait(false);
                if (missing.Count > 0)
                {
                    response = new StoreResponse(request.Opcode, StoreStatus.Timeout, request.RequestId) { MissingKeys = [.. missing] };
                    break;
                }
                if (request.Opcode == StoreOpcode.Wait)
                {
                    response = new StoreResponse(request.Opcode, StoreStatus.Ok, request.RequestId);
                    break;
                }
                if (_table.TryGet(request.Keys[0], out ReadOnlyMemory<byte> value))
                {
                    response = new StoreResponse(request.Opcode, StoreStatus.Ok, request.RequestId) { Value = value };
                    break;
                }
                // Deleted between the wake-up and the read: wait for the next set.
            }
            await AnswerAsync(stream, writeLock, response, connection.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection ended (or could not take the answer): end it for every request of this client.
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task AnswerAsync(Stream stream, SemaphoreSlim writeLock, StoreResponse response, CancellationToken connection)
    {
        (byte[] Head, ReadOnlyMemory<byte> Tail) frame = StoreProtocol.EncodeResponse(response);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection);
        deadline.CancelAfter(StoreTuning.ResponseWriteTimeout);
        await writeLock.WaitAsync(deadline.Token).ConfigureAwait(false);
        try
        {
            await StoreProtocol.WriteFrameAsync(stream, frame, deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }
}
