using System.Buffers.Binary;
using System.Text;
using Utf8Validator = System.Text.Unicode.Utf8;

namespace Collectives.Bootstrap;

/// <summary>One frame read off a store connection: its header and exactly its body.</summary>
internal readonly record struct StoreFrame(StoreFrameHeader Header, byte[] Body);

/// <summary>
/// The TCP store's wire format, both directions, and its only parser. Every frame is a
/// <see cref="StoreFrameHeader"/> and a body whose length the header gives; the length is checked
/// against the cap of that opcode (and status) before a byte of the body is allocated, and every
/// count inside a body against the bytes that remain. No reflection, no polymorphism: anything
/// malformed is a <see cref="StoreProtocolException"/>, nothing else.
/// <code>
/// key   = u16 length (1..1024) + UTF-8 bytes          keys = u32 count (≤ 65536) + key × count
/// Set    request: key, u32 value length, value         response Ok: (empty)
/// Get    request: u32 timeout ms, key                  response Ok: value (the whole body)
/// Add    request: i64 delta, key                       response Ok: i64 new value
/// Wait   request: u32 timeout ms, keys                 response Ok: (empty)
/// Check  request: keys                                 response Ok: u8 0 or 1
/// Delete request: key                                  response Ok: u8 0 or 1 (existed)
/// any Get or Wait response Timeout: keys (the missing ones);  any response Error: u16 length + UTF-8 message
/// </code>
/// </summary>
internal static class StoreProtocol
{
    /// <summary>Longest error message a server sends.</summary>
    public const int MaxErrorMessageBytes = 1024;

    /// <summary>Largest key list (keys with their length prefixes) in one frame: the same bound as one value.</summary>
    public const int MaxKeyListBytes = StoreTuning.MaxValueBytes;

    private const int KeyField = 2 + StoreTuning.MaxKeyBytes;

    /// <summary>Largest request body of an opcode; -1 for an unknown opcode.</summary>
    public static int MaxRequestBody(StoreOpcode opcode) => opcode switch
    {
        StoreOpcode.Set => KeyField + 4 + StoreTuning.MaxValueBytes,
        StoreOpcode.Get => 4 + KeyField,
        StoreOpcode.Add => 8 + KeyField,
        StoreOpcode.Wait => 4 + 4 + MaxKeyListBytes,
        StoreOpcode.Check => 4 + MaxKeyListBytes,
        StoreOpcode.Delete => KeyField,
        _ => -1,
    };

    /// <summary>Largest response body of an opcode and status; -1 for a combination that cannot occur.</summary>
    public static int MaxResponseBody(StoreOpcode opcode, StoreStatus status) => status switch
    {
        StoreStatus.Ok => opcode switch
        {
            StoreOpcode.Set or StoreOpcode.Wait => 0,
            StoreOpcode.Get => StoreTuning.MaxValueBytes,
            StoreOpcode.Add => 8,
            StoreOpcode.Check or StoreOpcode.Delete => 1,
            _ => -1,
        },
        StoreStatus.Timeout => opcode is StoreOpcode.Get or StoreOpcode.Wait ? 4 + MaxKeyListBytes : -1,
        StoreStatus.Error => IsOpcode((byte)opcode) ? 2 + MaxErrorMessageBytes : -1,
        _ => -1,
    };

    /// <summary>Parses and checks a frame header; the body length is within its cap when this returns.</summary>
    public static StoreFrameHeader ParseHeader(ReadOnlySpan<byte> bytes, bool isRequest)
    {
        if (bytes.Length < StoreFrameHeader.Size)
        {
            throw Error($"a frame header needs {StoreFrameHeader.Size} bytes, got {bytes.Length}");
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        byte opcode = bytes[4];
        byte status = bytes[5];
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]) != 0)
        {
            throw Error("reserved header bytes are not zero");
        }
        if (!IsOpcode(opcode))
        {
            throw Error($"unknown opcode {opcode}");
        }
        int max = isRequest
            ? (status == 0 ? MaxRequestBody((StoreOpcode)opcode) : throw Error($"a request carries status {status}"))
            : MaxResponseBody((StoreOpcode)opcode, (StoreStatus)status);
        if (max < 0)
        {
            throw Error($"status {status} cannot answer a {(StoreOpcode)opcode}");
        }
        if (length > (uint)max)
        {
            throw Error($"a {(StoreOpcode)opcode} body of {length} bytes is over its cap of {max}");
        }
        return new StoreFrameHeader((int)length, (StoreOpcode)opcode, (StoreStatus)status, BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
    }

    public static StoreRequest ParseRequest(StoreFrameHeader header, ReadOnlyMemory<byte> body)
    {
        var reader = new BodyReader(header, body);
        StoreRequest request;
        switch (header.Opcode)
        {
            case StoreOpcode.Set:
                string key = reader.Key();
                int length = reader.Length(StoreTuning.MaxValueBytes, "value");
                request = new StoreRequest(header.Opcode, header.RequestId, [key]) { Value = reader.Take(length) };
                break;
            case StoreOpcode.Get:
                uint getTimeout = reader.UInt32();
                request = new StoreRequest(header.Opcode, header.RequestId, [reader.Key()]) { TimeoutMilliseconds = getTimeout };
                break;
            case StoreOpcode.Add:
                long delta = reader.Int64();
                request = new StoreRequest(header.Opcode, header.RequestId, [reader.Key()]) { Delta = delta };
                break;
            case StoreOpcode.Wait:
                uint waitTimeout = reader.UInt32();
                request = new StoreRequest(header.Opcode, header.RequestId, reader.Keys()) { TimeoutMilliseconds = waitTimeout };
                break;
            case StoreOpcode.Check:
                request = new StoreRequest(header.Opcode, header.RequestId, reader.Keys());
                break;
            case StoreOpcode.Delete:
                request = new StoreRequest(header.Opcode, header.RequestId, [reader.Key()]);
                break;
            default:
                throw Error($"unknown opcode {(byte)header.Opcode}");
        }
        reader.End();
        return request;
    }

    public static StoreResponse ParseResponse(StoreFrameHeader header, ReadOnlyMemory<byte> body)
    {
        var reader = new BodyReader(header, body);
        var response = new StoreResponse(header.Opcode, header.Status, header.RequestId);
        switch (header.Status)
        {
            case StoreStatus.Ok:
                response = header.Opcode switch
                {
                    StoreOpcode.Get => response with { Value = reader.Take(body.Length) },
                    StoreOpcode.Add => response with { Number = reader.Int64() },
                    StoreOpcode.Check or StoreOpcode.Delete => response with { Flag = reader.Flag() },
                    _ => response,
                };
                break;
            case StoreStatus.Timeout:
                response = response with { MissingKeys = reader.Keys() };
                break;
            case StoreStatus.Error:
                int length = reader.Length16(MaxErrorMessageBytes, "error message");
                response = response with { Message = reader.Utf8(length, "error message") };
                break;
            default:
                throw Error($"unknown status {(byte)header.Status}");
        }
        reader.End();
        return response;
    }

    /// <summary>
    /// A request as a head (header and every field) and a tail (the set's value, sent as it is
    /// rather than copied). Throws <see cref="ArgumentException"/> for keys or values over the caps.
    /// </summary>
    public static (byte[] Head, ReadOnlyMemory<byte> Tail) EncodeRequest(StoreRequest request)
    {
        byte[][] keys = request.Keys.Select(k => StoreKeys.Encode(k, "keys")).ToArray();
        int keyBytes = keys.Sum(k => 2 + k.Length);
        bool single = request.Opcode is StoreOpcode.Set or StoreOpcode.Get or StoreOpcode.Add or StoreOpcode.Delete;
        if (single ? keys.Length != 1 : keyBytes > MaxKeyListBytes || keys.Length > StoreTuning.MaxKeysPerRequest)
        {
            throw new ArgumentException(single
                ? $"A {request.Opcode} names exactly one key."
                : $"A {request.Opcode} names at most {StoreTuning.MaxKeysPerRequest} keys of {MaxKeyListBytes} bytes in all.", nameof(request));
        }
        ReadOnlyMemory<byte> tail = request.Opcode == StoreOpcode.Set ? request.Value : ReadOnlyMemory<byte>.Empty;
        StoreKeys.ValidateValue(tail);
        int headBody = request.Opcode switch
        {
            StoreOpcode.Set => keyBytes + 4,
            StoreOpcode.Get => 4 + keyBytes,
            StoreOpcode.Add => 8 + keyBytes,
            StoreOpcode.Wait => 4 + 4 + keyBytes,
            StoreOpcode.Check => 4 + keyBytes,
            StoreOpcode.Delete => keyBytes,
            _ => throw new ArgumentException($"Unknown opcode {request.Opcode}.", nameof(request)),
        };
        byte[] head = new byte[StoreFrameHeader.Size + headBody];
        var writer = new BodyWriter(head);
        writer.Header(headBody + tail.Length, request.Opcode, 0, request.RequestId);
        switch (request.Opcode)
        {
            case StoreOpcode.Set:
                writer.Key(keys[0]);
                writer.UInt32((uint)tail.Length);
                break;
            case StoreOpcode.Get:
                writer.UInt32(request.TimeoutMilliseconds);
                writer.Key(keys[0]);
                break;
            case StoreOpcode.Add:
                writer.Int64(request.Delta);
                writer.Key(keys[0]);
                break;
            case StoreOpcode.Wait:
                writer.UInt32(request.TimeoutMilliseconds);
                writer.Keys(keys);
                break;
            case StoreOpcode.Check:
                writer.Keys(keys);
                break;
            default:
                writer.Key(keys[0]);
                break;
        }
        return (head, tail);
    }

    /// <summary>A response as a head and a tail (a get's value, sent as stored rather than copied).</summary>
    public static (byte[] Head, ReadOnlyMemory<byte> Tail) EncodeResponse(StoreResponse response)
    {
        ReadOnlyMemory<byte> tail = response.Status == StoreStatus.Ok && response.Opcode == StoreOpcode.Get ? response.Value : ReadOnlyMemory<byte>.Empty;
        byte[][] missing = response.Status == StoreStatus.Timeout ? response.MissingKeys.Select(k => StoreKeys.Encode(k, "keys")).ToArray() : [];
        byte[] message = response.Status == StoreStatus.Error ? Truncate(response.Message) : [];
        int headBody = response.Status switch
        {
            StoreStatus.Ok => response.Opcode switch
            {
                StoreOpcode.Add => 8,
                StoreOpcode.Check or StoreOpcode.Delete => 1,
                _ => 0,
            },
            StoreStatus.Timeout => 4 + missing.Sum(k => 2 + k.Length),
            _ => 2 + message.Length,
        };
        int max = MaxResponseBody(response.Opcode, response.Status);
        if (max < 0 || headBody + tail.Length > max)
        {
            throw new ArgumentException($"A {response.Status} answer to a {response.Opcode} cannot hold {headBody + tail.Length} bytes.", nameof(response));
        }
        byte[] head = new byte[StoreFrameHeader.Size + headBody];
        var writer = new BodyWriter(head);
        writer.Header(headBody + tail.Length, response.Opcode, response.Status, response.RequestId);
        switch (response.Status)
        {
            case StoreStatus.Ok when response.Opcode == StoreOpcode.Add:
                writer.Int64(response.Number);
                break;
            case StoreStatus.Ok when response.Opcode is StoreOpcode.Check or StoreOpcode.Delete:
                writer.Byte(response.Flag ? (byte)1 : (byte)0);
                break;
            case StoreStatus.Timeout:
                writer.Keys(missing);
                break;
            case StoreStatus.Error:
                writer.UInt16((ushort)message.Length);
                writer.Bytes(message);
                break;
        }
        return (head, tail);
    }

    /// <summary>
    /// Reads one frame: null at a clean end of stream (between frames); a
    /// <see cref="StoreProtocolException"/> for a bad header or a stream that ends inside a frame.
    /// The body is allocated only after its length passed the header's checks.
    /// </summary>
    public static async ValueTask<StoreFrame?> ReadFrameAsync(Stream stream, bool isRequest, CancellationToken cancellationToken)
    {
        byte[] head = new byte[StoreFrameHeader.Size];
        int got = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }
        if (got < head.Length)
        {
            throw Error("the connection closed inside a frame header");
        }
        StoreFrameHeader header = ParseHeader(head, isRequest);
        byte[] body = header.BodyLength == 0 ? [] : new byte[header.BodyLength];
        try
        {
            await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw Error($"the connection closed inside a {header.BodyLength}-byte frame body");
        }
        return new StoreFrame(header, body);
    }

    public static async ValueTask WriteFrameAsync(Stream stream, (byte[] Head, ReadOnlyMemory<byte> Tail) frame, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(frame.Head, cancellationToken).ConfigureAwait(false);
        if (!frame.Tail.IsEmpty)
        {
            await stream.WriteAsync(frame.Tail, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsOpcode(byte value) => value is >= (byte)StoreOpcode.Set and <= (byte)StoreOpcode.Delete;

    private static byte[] Truncate(string message)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(message);
        if (bytes.Length <= MaxErrorMessageBytes)
        {
            return bytes;
        }
        int cut = MaxErrorMessageBytes;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--; // never split a UTF-8 sequence
        }
        return bytes[..cut];
    }

    private static StoreProtocolException Error(string what) => new($"Malformed store frame: {what}.");

    /// <summary>Reads a body front to back; every length is checked against what remains before it is used.</summary>
    private struct BodyReader(StoreFrameHeader header, ReadOnlyMemory<byte> body)
    {
        private readonly ReadOnlyMemory<byte> _body = body.Length == header.BodyLength
            ? body
            : throw Error($"the header announces {header.BodyLength} body bytes but {body.Length} came");
        private int _position;

        private readonly int Remaining => _body.Length - _position;

        public ReadOnlyMemory<byte> Take(int count)
        {
            if (count < 0 || count > Remaining)
            {
                throw Error($"a field of {count} bytes runs past the end of the body ({Remaining} left)");
            }
            ReadOnlyMemory<byte> slice = _body.Slice(_position, count);
            _position += count;
            return slice;
        }

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4).Span);

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8).Span);

        public bool Flag() => Take(1).Span[0] switch
        {
            0 => false,
            1 => true,
            byte b => throw Error($"a flag byte is {b}, not 0 or 1"),
        };

        public int Length(int max, string what)
        {
            uint length = UInt32();
            return length <= (uint)max ? (int)length : throw Error($"a {what} of {length} bytes is over its cap of {max}");
        }

        public int Length16(int max, string what)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(Take(2).Span);
            return length <= max ? length : throw Error($"a {what} of {length} bytes is over its cap of {max}");
        }

        public string Utf8(int length, string what)
        {
            ReadOnlySpan<byte> bytes = Take(length).Span;
            return Utf8Validator.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : throw Error($"a {what} is not valid UTF-8");
        }

        public string Key()
        {
            int length = Length16(StoreTuning.MaxKeyBytes, "key");
            return length == 0 ? throw Error("a key is empty") : Utf8(length, "key");
        }

        public string[] Keys()
        {
            uint count = UInt32();
            // Each key takes at least 3 bytes (length and one byte): check the count before allocating for it.
            if (count > StoreTuning.MaxKeysPerRequest || count > (uint)(Remaining / 3))
            {
                throw Error($"{count} keys cannot fit in {Remaining} bytes (at most {StoreTuning.MaxKeysPerRequest} keys)");
            }
            string[] keys = new string[count];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = Key();
            }
            return keys;
        }

        public readonly void End()
        {
            if (Remaining != 0)
            {
                throw Error($"{Remaining} bytes follow the last field");
            }
        }
    }

    private struct BodyWriter(byte[] buffer)
    {
        private int _position;

        public void Header(int bodyLength, StoreOpcode opcode, StoreStatus status, uint requestId)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(0), (uint)bodyLength);
            buffer[4] = (byte)opcode;
            buffer[5] = (byte)status;
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(6), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), requestId);
            _position = StoreFrameHeader.Size;
        }

        public void Byte(byte value) => buffer[_position++] = value;

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(_position), value);
            _position += 2;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(_position), value);
            _position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(_position), value);
            _position += 8;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(buffer.AsSpan(_position));
            _position += bytes.Length;
        }

        public void Key(byte[] key)
        {
            UInt16((ushort)key.Length);
            Bytes(key);
        }

        public void Keys(byte[][] keys)
        {
            UInt32((uint)keys.Length);
            foreach (byte[] key in keys)
            {
                Key(key);
            }
        }
    }
}
