using System.Buffers.Binary;
using Collectives.Bootstrap;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Bootstrap;

/// <summary>
/// The store's wire parser: exact round trips, and fuzzing (seeded random bytes, mutations of
/// valid frames, FsCheck) that must end in a parse or a <see cref="StoreProtocolException"/>,
/// never another exception and never an allocation beyond the caps.
/// </summary>
public sealed class StoreProtocolTests
{
    private static readonly StoreRequest[] Requests =
    [
        new(StoreOpcode.Set, 1, ["addr/0"]) { Value = new byte[] { 1, 2, 3 } },
        new(StoreOpcode.Set, 2, ["empty"]) { Value = ReadOnlyMemory<byte>.Empty },
        new(StoreOpcode.Get, 3, ["größe"]) { TimeoutMilliseconds = 30_000 },
        new(StoreOpcode.Add, 4, ["count"]) { Delta = -42 },
        new(StoreOpcode.Wait, 5, ["a", "b", "c"]) { TimeoutMilliseconds = uint.MaxValue },
        new(StoreOpcode.Check, 6, ["a"]),
        new(StoreOpcode.Check, 7, []),
        new(StoreOpcode.Delete, uint.MaxValue, ["gone"]),
    ];

    private static readonly StoreResponse[] Responses =
    [
        new(StoreOpcode.Set, StoreStatus.Ok, 1),
        new(StoreOpcode.Get, StoreStatus.Ok, 2) { Value = new byte[] { 9, 8, 7 } },
        new(StoreOpcode.Get, StoreStatus.Timeout, 3) { MissingKeys = ["never"] },
        new(StoreOpcode.Add, StoreStatus.Ok, 4) { Number = long.MinValue },
        new(StoreOpcode.Add, StoreStatus.Error, 5) { Message = "Key 'text' holds a value that is not a counter" },
        new(StoreOpcode.Wait, StoreStatus.Ok, 6),
        new(StoreOpcode.Wait, StoreStatus.Timeout, 7) { MissingKeys = ["x/1", "x/3"] },
        new(StoreOpcode.Check, StoreStatus.Ok, 8) { Flag = true },
        new(StoreOpcode.Delete, StoreStatus.Ok, 9) { Flag = false },
    ];

    private static byte[] Bytes((byte[] Head, ReadOnlyMemory<byte> Tail) frame) => [.. frame.Head, .. frame.Tail.ToArray()];

    private static StoreRequest ParseRequest(byte[] frame)
    {
        StoreFrameHeader header = StoreProtocol.ParseHeader(frame, isRequest: true);
        return StoreProtocol.ParseRequest(header, frame.AsMemory(StoreFrameHeader.Size));
    }

    private static StoreResponse ParseResponse(byte[] frame)
    {
        StoreFrameHeader header = StoreProtocol.ParseHeader(frame, isRequest: false);
        return StoreProtocol.ParseResponse(header, frame.AsMemory(StoreFrameHeader.Size));
    }

    [Fact]
    public void RequestsRoundTrip()
    {
        foreach (StoreRequest request in Requests)
        {
            StoreRequest parsed = ParseRequest(Bytes(StoreProtocol.EncodeRequest(request)));
            Assert.Equal(request.Opcode, parsed.Opcode);
            Assert.Equal(request.RequestId, parsed.RequestId);
            Assert.Equal(request.Keys, parsed.Keys);
            Assert.Equal(request.Value.ToArray(), parsed.Value.ToArray());
            Assert.Equal(request.Delta, parsed.Delta);
            Assert.Equal(request.TimeoutMilliseconds, parsed.TimeoutMilliseconds);
        }
    }

    [Fact]
    public void ResponsesRoundTrip()
    {
        foreach (StoreResponse response in Responses)
        {
            StoreResponse parsed = ParseResponse(Bytes(StoreProtocol.EncodeResponse(response)));
            Assert.Equal(response.Opcode, parsed.Opcode);
            Assert.Equal(response.Status, parsed.Status);
            Assert.Equal(response.RequestId, parsed.RequestId);
            Assert.Equal(response.Value.ToArray(), parsed.Value.ToArray());
            Assert.Equal(response.Number, parsed.Number);
            Assert.Equal(response.Flag, parsed.Flag);
            Assert.Equal(response.MissingKeys, parsed.MissingKeys);
            Assert.Equal(response.Message, parsed.Message);
        }
    }

    [Fact]
    public void EncodingRefusesWhatTheParserWouldRefuse()
    {
        Assert.Throws<ArgumentException>(() => StoreProtocol.EncodeRequest(new StoreRequest(StoreOpcode.Get, 1, ["a", "b"])));
        Assert.Throws<ArgumentException>(() => StoreProtocol.EncodeRequest(new StoreRequest(StoreOpcode.Get, 1, [""])));
        Assert.Throws<ArgumentException>(() => StoreProtocol.EncodeResponse(new StoreResponse(StoreOpcode.Set, StoreStatus.Timeout, 1)));
        // An overlong error message is cut (on a character boundary), not refused.
        StoreResponse longError = new(StoreOpcode.Add, StoreStatus.Error, 1) { Message = new string('é', 2000) };
        Assert.Equal(new string('é', 512), ParseResponse(Bytes(StoreProtocol.EncodeResponse(longError))).Message);
    }

    /// <summary>Parses a frame the way a connection would: only a protocol error may come out.</summary>
    private static void ParseAnything(byte[] frame, bool isRequest)
    {
        try
        {
            StoreFrameHeader header = StoreProtocol.ParseHeader(frame, isRequest);
            ReadOnlyMemory<byte> body = frame.AsMemory(Math.Min(frame.Length, StoreFrameHeader.Size));
            if (body.Length != header.BodyLength)
            {
                // A real connection reads exactly BodyLength bytes; fuzz the parser with what is there, too.
                body = body[..Math.Min(body.Length, header.BodyLength)];
            }
            if (isRequest)
            {
                StoreProtocol.ParseRequest(header, body);
            }
            else
            {
                StoreProtocol.ParseResponse(header, body);
            }
        }
        catch (StoreProtocolException)
        {
        }
    }

    [Fact]
    public void RandomBytesOnlyEverGiveProtocolErrors()
    {
        var random = new Random(20261128);
        for (int i = 0; i < 200_000; i++)
        {
            byte[] frame = new byte[random.Next(0, 96)];
            random.NextBytes(frame);
            if (frame.Length >= StoreFrameHeader.Size && i % 2 == 0)
            {
                // Make half of them plausible: a real opcode, no reserved bits, a length that fits.
                frame[4] = (byte)random.Next(1, 7);
                frame[5] = (byte)(i % 4 == 0 ? 0 : random.Next(0, 4));
                frame[6] = frame[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - StoreFrameHeader.Size));
            }
            ParseAnything(frame, isRequest: i % 4 == 0 || i % 4 == 1);
        }
    }

    [Fact]
    public void MutationsOfValidFramesOnlyEverGiveAParseOrAProtocolError()
    {
        var random = new Random(7);
        byte[][] requests = Requests.Select(r => Bytes(StoreProtocol.EncodeRequest(r))).ToArray();
        byte[][] responses = Responses.Select(r => Bytes(StoreProtocol.EncodeResponse(r))).ToArray();
        for (int i = 0; i < 200_000; i++)
        {
            bool isRequest = i % 2 == 0;
            byte[][] pool = isRequest ? requests : responses;
            byte[] frame = (byte[])pool[random.Next(pool.Length)].Clone();
            switch (random.Next(5))
            {
                case 0: // flip a bit
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // overwrite a byte
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                    break;
                case 2: // truncate
                    frame = frame[..random.Next(frame.Length)];
                    break;
                case 3: // append junk and fix up the length
                    byte[] junk = new byte[random.Next(1, 16)];
                    random.NextBytes(junk);
                    frame = [.. frame, .. junk];
                    BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - StoreFrameHeader.Size));
                    break;
                default: // corrupt a length or count inside the body, keeping the header honest
                    if (frame.Length >= StoreFrameHeader.Size + 4)
                    {
                        int at = StoreFrameHeader.Size + random.Next(frame.Length - StoreFrameHeader.Size - 3);
                        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(at), (uint)random.Next());
                    }
                    break;
            }
            ParseAnything(frame, isRequest);
        }
    }

    [Fact]
    public void FsCheckArbitraryFramesOnlyEverGiveProtocolErrors()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), ArbMap.Default.ArbFor<bool>(), (frame, isRequest) =>
        {
            ParseAnything(frame, isRequest);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData((byte)StoreOpcode.Set, 0x7FFF_FFFFu)]
    [InlineData((byte)StoreOpcode.Set, 0xFFFF_FFFFu)]
    [InlineData((byte)StoreOpcode.Get, 4 + 2 + StoreTuning.MaxKeyBytes + 1u)]
    [InlineData((byte)StoreOpcode.Delete, 2 + StoreTuning.MaxKeyBytes + 1u)]
    [InlineData((byte)StoreOpcode.Wait, 0x1000_0000u)]
    public async Task AnOversizedLengthIsRefusedBeforeAnyBodyIsAllocated(byte opcode, uint length)
    {
        byte[] header = new byte[StoreFrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        header[4] = opcode;
        using var stream = new MemoryStream(header);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = await Assert.ThrowsAsync<StoreProtocolException>(async () => await StoreProtocol.ReadFrameAsync(stream, isRequest: true, CancellationToken.None));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("over its cap", error.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes before refusing");
    }

    [Fact]
    public void AKeyCountThatCannotFitIsRefusedBeforeTheArrayIsAllocated()
    {
        // A check claiming 65536 keys in a 10-byte body.
        byte[] frame = new byte[StoreFrameHeader.Size + 10];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 10);
        frame[4] = (byte)StoreOpcode.Check;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(StoreFrameHeader.Size), StoreTuning.MaxKeysPerRequest);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<StoreProtocolException>(() => ParseRequest(frame));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024);
        Assert.Contains("cannot fit", error.Message);
    }

    [Fact]
    public void AValueLengthBeyondTheBodyIsRefused()
    {
        byte[] frame = Bytes(StoreProtocol.EncodeRequest(new StoreRequest(StoreOpcode.Set, 1, ["k"]) { Value = new byte[] { 1 } }));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(StoreFrameHeader.Size + 3), 1000);
        Assert.Throws<StoreProtocolException>(() => ParseRequest(frame));
    }

    [Fact]
    public void InvalidUtf8KeysAndStrayBytesAreRefused()
    {
        byte[] frame = Bytes(StoreProtocol.EncodeRequest(new StoreRequest(StoreOpcode.Delete, 1, ["ab"])));
        frame[StoreFrameHeader.Size + 2] = 0xC3; // a lead byte without its continuation
        Assert.Contains("UTF-8", Assert.Throws<StoreProtocolException>(() => ParseRequest(frame)).Message);

        byte[] padded = [.. Bytes(StoreProtocol.EncodeRequest(new StoreRequest(StoreOpcode.Delete, 1, ["ab"]))), 0];
        BinaryPrimitives.WriteUInt32LittleEndian(padded, (uint)(padded.Length - StoreFrameHeader.Size));
        Assert.Contains("follow the last field", Assert.Throws<StoreProtocolException>(() => ParseRequest(padded)).Message);
    }

    [Fact]
    public void ARequestWithAStatusOrAResponseWithAnImpossibleStatusIsRefused()
    {
        byte[] request = Bytes(StoreProtocol.EncodeRequest(Requests[0]));
        request[5] = (byte)StoreStatus.Ok;
        Assert.Throws<StoreProtocolException>(() => ParseRequest(request));
        byte[] response = Bytes(StoreProtocol.EncodeResponse(Responses[0]));
        response[5] = (byte)StoreStatus.Timeout; // a set cannot time out
        Assert.Throws<StoreProtocolException>(() => ParseResponse(response));
    }

    [Fact]
    public async Task AStreamThatEndsInsideAFrameIsAProtocolErrorAndAnEmptyOneIsTheEnd()
    {
        byte[] frame = Bytes(StoreProtocol.EncodeRequest(Requests[0]));
        Assert.Null(await StoreProtocol.ReadFrameAsync(new MemoryStream([]), isRequest: true, CancellationToken.None));
        await Assert.ThrowsAsync<StoreProtocolException>(async () =>
            await StoreProtocol.ReadFrameAsync(new MemoryStream(frame[..5]), isRequest: true, CancellationToken.None));
        await Assert.ThrowsAsync<StoreProtocolException>(async () =>
            await StoreProtocol.ReadFrameAsync(new MemoryStream(frame[..^1]), isRequest: true, CancellationToken.None));
        StoreFrame? whole = await StoreProtocol.ReadFrameAsync(new MemoryStream(frame), isRequest: true, CancellationToken.None);
        Assert.NotNull(whole);
        Assert.Equal(frame.Length - StoreFrameHeader.Size, whole.Value.Body.Length);
    }
}
