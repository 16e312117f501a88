namespace Collectives.Transport.Faults;

/// <summary>What happens to one frame a faulty link sends.</summary>
/// <param name="Delay">How long the send waits first.</param>
/// <param name="DropLink">Whether the link is dropped instead of sending it.</param>
/// <param name="Corruption">Which header field is corrupted, if any.</param>
/// <param name="CorruptionBit">Which bit of that field flips.</param>
public readonly record struct FrameFault(TimeSpan Delay, bool DropLink, HeaderCorruption Corruption, int CorruptionBit);
