namespace Collectives.Transport.SharedMemory;

/// <summary>What one look at a ring found.</summary>
internal enum ReceiveStatus
{
    /// <summary>No whole frame yet (nothing published, or a streamed frame still arriving).</summary>
    Empty,
    /// <summary>A frame was taken.</summary>
    Frame,
    /// <summary>The ring holds something that is not a valid record: the link must fail.</summary>
    Malformed,
    /// <summary>The receiver holds too many undisposed frames to take another.</summary>
    TooManyLends,
    /// <summary>The link end was disposed.</summary>
    Closed,
}
