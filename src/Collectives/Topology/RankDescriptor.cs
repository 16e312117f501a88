using System.Buffers.Binary;
using System.Text;

namespace Collectives.Topology;

/// <summary>
/// What one rank tells the others about itself at start-up, so every rank can build the same
/// <see cref="JobTopology"/>: its placement and the link class it uses to every other rank (its
/// row of the matrix). Binary, little-endian, versioned; the reader is bounded and never throws:
/// <code>
/// u8 version (1) | i32 rank | i32 numa | i32 socket | i32 core
/// | str hostId | str hostName | str interface | str address    (str = u8 length + UTF-8, ≤ 255 bytes; length 255 + nothing = null)
/// | u32 row length | row length × u8 link class
/// </code>
/// </summary>
public sealed record RankDescriptor(RankPlacement Placement, IReadOnlyList<LinkClass> Row)
{
    public const byte Version = 1;

    /// <summary>Most ranks a row may describe: far above any job this library runs, far below what would let a bad blob allocate much.</summary>
    public const int MaxRanks = 1 << 16;

    private const byte NullString = 255;

    public byte[] Encode()
    {
        var bytes = new List<byte> { Version };
        var number = new byte[4];
        void Int(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(number, value);
            bytes.AddRange(number);
        }
        void Text(string? value)
        {
            if (value is null)
            {
                bytes.Add(NullString);
                return;
            }
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            if (utf8.Length >= NullString)
            {
                throw new ArgumentException($"'{value}' is longer than {NullString - 1} UTF-8 bytes; a topology string must be shorter.");
            }
            bytes.Add((byte)utf8.Length);
            bytes.AddRange(utf8);
        }
        Int(Placement.Rank);
        Int(Placement.NumaNode);
        Int(Placement.Socket);
        Int(Placement.Core);
        Text(Placement.HostId);
        Text(Placement.HostName);
        Text(Placement.Interface);
        Text(Placement.Address);
        Int(Row.Count);
        foreach (LinkClass link in Row)
        {
            bytes.Add((byte)link);
        }
        return bytes.ToArray();
    }

    /// <summary>Parses a blob written by <see cref="Encode"/>; false with a reason for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> blob, out RankDescriptor? descriptor, out string error)
    {
        descriptor = null;
        int position = 0;
        if (blob.Length < 1 || blob[0] != Version)
        {
            error = blob.Length < 1 ? "empty descriptor" : $"descriptor version {blob[0]}, this build reads {Version}";
            return false;
        }
        position = 1;
        if (!TryInt(blob, ref position, out int rank) || !TryInt(blob, ref position, out int numa) ||
            !TryInt(blob, ref position, out int socket) || !TryInt(blob, ref position, out int core))
        {
            error = "descriptor truncated in its numbers";
            return false;
        }
        if (!TryText(blob, ref position, out string? hostId) || !TryText(blob, ref position, out string? hostName) ||
            !TryText(blob, ref position, out string? iface) || !TryText(blob, ref position, out string? address))
        {
            error = "descriptor truncated or malformed in its strings";
            return false;
        }
        if (hostId is null || hostName is null)
        {
            error = "descriptor without a host id or host name";
            return false;
        }
        if (!TryInt(blob, ref position, out int rowLength) || rowLength < 0 || rowLength > MaxRanks || blob.Length - position != rowLength)
        {
            error = "descriptor's link row length does not match its size";
            return false;
        }
        var row = new LinkClass[rowLength];
        for (int i = 0; i < rowLength; i++)
        {
            byte value = blob[position + i];
            if (value > (byte)LinkClass.OpticalCircuit)
            {
                error = $"descriptor names link class {value}, which this build does not know";
                return false;
            }
            row[i] = (LinkClass)value;
        }
        if (rank < 0 || rank >= Math.Max(rowLength, 1))
        {
            error = $"descriptor of rank {rank} with a row of {rowLength}";
            return false;
        }
        descriptor = new RankDescriptor(new RankPlacement(rank, hostId, hostName, numa, socket, core, iface, address), row);
        error = "";
        return true;
    }

    /// <summary>The topology these descriptors describe (one per rank, in rank order).</summary>
    public static JobTopology ToTopology(IReadOnlyList<RankDescriptor> descriptors)
    {
        int size = descriptors.Count;
        var links = new LinkClass[size * size];
        for (int rank = 0; rank < size; rank++)
        {
            if (descriptors[rank].Row.Count != size)
            {
                throw new ArgumentException($"Rank {rank} described links to {descriptors[rank].Row.Count} ranks; the job has {size}.");
            }
            for (int peer = 0; peer < size; peer++)
            {
                links[(rank * size) + peer] = descriptors[rank].Row[peer];
            }
        }
        return new JobTopology(descriptors.Select(d => d.Placement).ToArray(), links);
    }

    private static bool TryInt(ReadOnlySpan<byte> blob, ref int position, out int value)
    {
        value = 0;
        if (blob.Length - position < 4)
        {
            return false;
        }
        value = BinaryPrimitives.ReadInt32LittleEndian(blob[position..]);
        position += 4;
        return true;
    }

    private static bool TryText(ReadOnlySpan<byte> blob, ref int position, out string? value)
    {
        value = null;
        if (blob.Length - position < 1)
        {
            return false;
        }
        byte length = blob[position++];
        if (length == NullString)
        {
            return true;
        }
        if (blob.Length - position < length)
        {
            return false;
        }
        try
        {
            value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(blob.Slice(position, length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        position += length;
        return true;
    }
}
