namespace Collectives.Wire;

/// <summary>Why a received header was rejected before its payload was touched.</summary>
public enum FrameHeaderError
{
    None = 0,
    TooShort,
    BadMagic,
    UnsupportedVersion,
    BadChecksum,
    BadKind,
    BadCollective,
    BadDataType,
    BadOp,
    BadAlgorithm,
    NegativeCount,
    BadChunk,
    PayloadTooLarge,
}
