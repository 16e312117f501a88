namespace Collectives.Wire;

/// <summary>What a frame carries. Values are part of the wire format.</summary>
public enum FrameKind : byte
{
    /// <summary>A chunk of an operation's payload (possibly empty).</summary>
    Data = 1,
}
