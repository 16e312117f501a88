namespace Collectives.Transport.Faults;

/// <summary>
/// The faults of one end of one link, frame by frame: a pure function of the spec, the two
/// endpoints and the frame's number, so the same seed gives the same faults on every run.
/// Every frame draws the same number of values whichever faults are on, so turning one fault
/// on does not shift the others' sequence.
/// </summary>
public sealed class LinkFaultSchedule
{
    /// <summary>Bits a corruption may flip: low enough that offsets and counts stay positive (the CRC-valid, plausible kind).</summary>
    private const int CorruptibleBits = 40;

    private readonly FaultSpec _spec;
    private FaultRandom _random;

    public LinkFaultSchedule(FaultSpec spec, int localEndpoint, int peerEndpoint)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _random = FaultRandom.ForLink(spec.Seed, localEndpoint, peerEndpoint);
    }

    /// <summary>Frames this schedule has decided so far.</summary>
    public long Frames { get; private set; }

    /// <summary>The fault of the next frame.</summary>
    public FrameFault Next()
    {
        Frames++;
        double jitter = _random.NextDouble();
        double drop = _random.NextDouble();
        double corrupt = _random.NextDouble();
        ulong choice = _random.NextUInt64();
        TimeSpan delay = _spec.Delay + _spec.Jitter * jitter;
        bool dropLink = Frames > _spec.DropAfterFrames || drop < _spec.DropProbability;
        HeaderCorruption corruption = corrupt < _spec.CorruptProbability ? (HeaderCorruption)(1 + (int)(choice % 3)) : HeaderCorruption.None;
        int bit = (int)((choice >> 8) % CorruptibleBits);
        return new FrameFault(delay, dropLink, corruption, bit);
    }
}
