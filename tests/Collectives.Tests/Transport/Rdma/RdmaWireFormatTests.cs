using Collectives.Transport.Rdma;
using FsCheck;
using FsCheck.Xunit;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>The rdma transport's hand-written formats: the address blob, the link hello, the message prefix, and the shared arithmetic.</summary>
public sealed class RdmaWireFormatTests
{
    private static readonly RdmaAddress Sample = new("host-a", false, "tcp;ofi_rxm", "10.231.0.0/24", [1, 2, 3, 4, 5], [9, 8, 7]);

    [Fact]
    public void AddressRoundTrips()
    {
        Assert.True(RdmaAddress.TryDecode(Sample.Encode(), out RdmaAddress? decoded));
        Assert.Equal(Sample.HostId, decoded!.HostId);
        Assert.Equal(Sample.Provider, decoded.Provider);
        Assert.Equal(Sample.Fabric, decoded.Fabric);
        Assert.Equal(Sample.FabricAddress, decoded.FabricAddress);
        Assert.Equal(Sample.ControlAddress, decoded.ControlAddress);
        Assert.False(decoded.HostLocal);
    }

    [Fact]
    public void EveryTruncationOrExtensionOfAnAddressIsRefused()
    {
        byte[] blob = Sample.Encode();
        for (int length = 0; length < blob.Length; length++)
        {
            Assert.False(RdmaAddress.TryDecode(blob.AsSpan(0, length), out _), $"a {length}-byte prefix parsed");
        }
        Assert.False(RdmaAddress.TryDecode([.. blob, 0], out _));
        byte[] badMagic = (byte[])blob.Clone();
        badMagic[0] ^= 1;
        Assert.False(RdmaAddress.TryDecode(badMagic, out _));
        byte[] badFlag = (byte[])blob.Clone();
        badFlag[5] = 2;
        Assert.False(RdmaAddress.TryDecode(badFlag, out _));
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(5);
        byte[] blob = Sample.Encode();
        for (int i = 0; i < 2000; i++)
        {
            byte[] mutated = (byte[])blob.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            RdmaAddress.TryDecode(mutated, out _);
        }
    }

    [Fact]
    public void HostLocalFabricsReachOnlyTheSameHost()
    {
        RdmaAddress shmA = Sample with { HostLocal = true, Provider = "shm", Fabric = "shm" };
        RdmaAddress shmB = shmA with { HostId = "host-b" };
        Assert.True(shmA.SharesFabricWith(shmA with { FabricAddress = [7] }));
        Assert.False(shmA.SharesFabricWith(shmB));
        Assert.True(Sample.SharesFabricWith(Sample with { HostId = "host-b" }));
        Assert.False(Sample.SharesFabricWith(Sample with { Provider = "verbs;ofi_rxm" }));
        Assert.False(Sample.SharesFabricWith(Sample with { Fabric = "10.9.0.0/24" }));
    }

    [Fact]
    public void HelloRoundTripsAndRefusesWhatNoPeerSends()
    {
        var hello = new LinkHello(7, 32, 8192, 0x1000, 42, 8 << 20);
        Assert.Equal(hello, LinkHello.TryDecode(hello.Encode(), out _));
        Assert.Null(LinkHello.TryDecode((hello with { MessageSlots = 24 }).Encode(), out string slots));
        Assert.Contains("24 message slots", slots);
        Assert.Null(LinkHello.TryDecode((hello with { LinkId = 0 }).Encode(), out _));
        Assert.Null(LinkHello.TryDecode((hello with { InlineLimit = 1 << 20 }).Encode(), out _));
        Assert.Null(LinkHello.TryDecode((hello with { RingBytes = -1 }).Encode(), out _));
        Assert.Null(LinkHello.TryDecode(hello.Encode().AsSpan(0, LinkHello.Size - 1), out _));
    }

    [Fact]
    public void PrefixRoundTripsAndRefusesUnknownKinds()
    {
        var prefix = new MessagePrefix(MessageKind.RingFrame, 123456, 99, 1L << 40);
        byte[] bytes = new byte[RdmaTuning.MessagePrefixBytes];
        prefix.Write(bytes);
        Assert.True(MessagePrefix.TryRead(bytes, out MessagePrefix read));
        Assert.Equal(prefix, read);
        bytes[0] = 0;
        Assert.False(MessagePrefix.TryRead(bytes, out _));
        bytes[0] = (byte)MessageKind.Window;
        Assert.True(MessagePrefix.TryRead(bytes, out _));
        bytes[0] = (byte)MessageKind.Window + 1;
        Assert.False(MessagePrefix.TryRead(bytes, out _));
        Assert.False(MessagePrefix.TryRead(bytes.AsSpan(0, 31), out _));
    }

    [Fact]
    public void PrefixCarriesTheStartOverFlagAndRefusesUnknownFlags()
    {
        var prefix = new MessagePrefix(MessageKind.RingFrame, 7, 1, 2, StartsOverRing: true);
        byte[] bytes = new byte[RdmaTuning.MessagePrefixBytes];
        prefix.Write(bytes);
        Assert.True(MessagePrefix.TryRead(bytes, out MessagePrefix read));
        Assert.True(read.StartsOverRing);
        Assert.Equal(prefix, read);
        for (int bit = 1; bit < 8; bit++)
        {
            bytes[1] = (byte)(1 | (1 << bit));
            Assert.False(MessagePrefix.TryRead(bytes, out _), $"flag bit {bit} is unknown and must be refused");
        }
    }

    [Fact]
    public void RingFramesStartOverOnlyPastTheHotWindowAndOnlyOnceTheirRoomIsReleased()
    {
        const long capacity = 100, window = 25;
        Assert.False(RingAllocation.StartsOver(head: 20, capacity, window, length: 10, freed: 20)); // still inside the window
        Assert.False(RingAllocation.StartsOver(head: 30, capacity, window, length: 10, freed: 9)); // the lap's first 10 bytes are lent
        Assert.True(RingAllocation.StartsOver(head: 30, capacity, window, length: 10, freed: 10));
        Assert.False(RingAllocation.StartsOver(head: 95, capacity, window, length: 10, freed: 95)); // straddles the end: wraps anyway
        Assert.True(RingAllocation.StartsOver(head: 230, capacity, window, length: 10, freed: 210)); // measured from this lap's start
        long head = 30;
        Assert.Equal(100, RingAllocation.Allocate(ref head, capacity, 10, startOver: true));
        Assert.Equal(110, head);
        head = 200;
        Assert.Equal(200, RingAllocation.Allocate(ref head, capacity, 10, startOver: true)); // already at a lap's start: nothing skipped
        Assert.Equal(210, head);
    }

    /// <summary>
    /// A sender and a receiver over one ring, frames of random lengths, the receiver holding up to
    /// a random number of frames before it releases the oldest (as a ring step reduces one frame
    /// while the next lands), the sender waiting for room as its credits say: the receiver's replay
    /// of every position, told only the start-over flag, matches the sender's; no payload overlaps
    /// one still held; and when each frame is released before the next is sent, every frame no
    /// larger than the hot window starts inside it.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool RingPositionsAgreeAndNeverOverlapHeldFrames(PositiveInt seed)
    {
        const long capacity = 1 << 16;
        long window = RdmaTuning.RingHotWindow(capacity);
        var random = new Random(seed.Get);
        int held = random.Next(1, 4);
        long senderHead = 0, receiverHead = 0, freed = 0;
        var lent = new Queue<(long Start, int Length, long End)>();
        for (int frame = 0; frame < 400; frame++)
        {
            int length = random.Next(2) == 0 ? random.Next(1, (int)(capacity / 2) + 1) : random.Next(1, 4096);
            if (lent.Count >= held)
            {
                freed = lent.Dequeue().End;
            }
            long head;
            bool startOver;
            while (true)
            {
                head = senderHead;
                startOver = RingAllocation.StartsOver(head, capacity, window, length, freed);
                RingAllocation.Allocate(ref head, capacity, length, startOver);
                if (head - freed <= capacity)
                {
                    break;
                }
                if (lent.Count == 0)
                {
                    return false; // everything released and still no room: the sender would wait forever
                }
                freed = lent.Dequeue().End; // the sender waits for the receiver's next release
            }
            bool emptyBefore = lent.Count == 0;
            long sent = RingAllocation.Allocate(ref senderHead, capacity, length, startOver);
            long taken = RingAllocation.Allocate(ref receiverHead, capacity, length, startOver);
            long offset = sent % capacity;
            if (taken != sent || receiverHead != senderHead || offset + length > capacity)
            {
                return false;
            }
            foreach ((long start, int heldLength, long _) in lent)
            {
                long other = start % capacity;
                if (offset < other + heldLength && other < offset + length)
                {
                    return false;
                }
            }
            if (emptyBefore && length <= window && offset >= window)
            {
                return false;
            }
            lent.Enqueue((sent, length, senderHead));
        }
        return true;
    }

    [Property(MaxTest = 500)]
    public bool AnnouncementsRoundTripAndCoverExactlyTheirFrames(long sequence, uint epoch, NonNegativeInt offset, PositiveInt length,
        ulong address, ulong key, int frameShift, PositiveInt frameLength)
    {
        var announcement = new PlacementAnnouncement(sequence, epoch, offset.Get, length.Get, address, key);
        byte[] bytes = new byte[PlacementAnnouncement.Size];
        announcement.Write(bytes);
        if (!PlacementAnnouncement.TryRead(bytes, out PlacementAnnouncement read) || read != announcement ||
            PlacementAnnouncement.TryRead(bytes.AsSpan(0, PlacementAnnouncement.Size - 1), out _))
        {
            return false;
        }
        long frameOffset = offset.Get + (long)frameShift;
        bool inside = frameOffset >= offset.Get && frameOffset + frameLength.Get <= (long)offset.Get + length.Get;
        return announcement.Covers(epoch, sequence, frameOffset, frameLength.Get) == inside &&
            !announcement.Covers(epoch + 1, sequence, offset.Get, 1) && !announcement.Covers(epoch, sequence + 1, offset.Get, 1) &&
            !announcement.Covers(epoch, sequence, offset.Get, 0);
    }

    [Fact]
    public void AnnouncementsOfNoMemoryAreRefused()
    {
        byte[] bytes = new byte[PlacementAnnouncement.Size];
        new PlacementAnnouncement(1, 0, -1, 100, 0, 0).Write(bytes);
        Assert.False(PlacementAnnouncement.TryRead(bytes, out _));
        new PlacementAnnouncement(1, 0, 0, 0, 0, 0).Write(bytes);
        Assert.False(PlacementAnnouncement.TryRead(bytes, out _));
        new PlacementAnnouncement(1, 0, 0, -5, 0, 0).Write(bytes);
        Assert.False(PlacementAnnouncement.TryRead(bytes, out _));
    }

    [Fact]
    public void RingAllocationNeverStraddlesTheEndAndCountsTheSkippedTail()
    {
        long head = 0;
        Assert.Equal(0, RingAllocation.Allocate(ref head, 100, 60));
        Assert.Equal(100, RingAllocation.Allocate(ref head, 100, 60)); // 60..100 skipped: starts over at the ring's beginning
        Assert.Equal(160, head);
        Assert.Equal(160, RingAllocation.Allocate(ref head, 100, 40)); // fits exactly up to the end
        Assert.Equal(200, head);
    }

    [Fact]
    public void TokensAndContextsCarryTheirFields()
    {
        ulong token = WriteToken.Encode(WriteToken.MaxLink, 4097);
        Assert.Equal(WriteToken.MaxLink, WriteToken.Link(token));
        Assert.Equal(1u, WriteToken.Sequence(token));
        Assert.True(token <= uint.MaxValue, "a token must fit the 4 bytes of completion data verbs and efa carry");
        ulong context = OperationContext.Encode(123, OperationKind.ControlSend, 77);
        Assert.Equal(123u, OperationContext.Link(context));
        Assert.Equal(OperationKind.ControlSend, OperationContext.Kind(context));
        Assert.Equal(77, OperationContext.Index(context));
    }
}
