namespace Collectives.Transport;

/// <summary>Why a link (and the communicator that owns it) was torn down.</summary>
public enum AbortCode : byte
{
    /// <summary>The application called <see cref="Communicator.Abort"/>.</summary>
    Aborted = 1,
    /// <summary>A rank closed (disposed) its communicator.</summary>
    Closed = 2,
    /// <summary>A rank's operation passed its deadline.</summary>
    Timeout = 3,
    /// <summary>Two ranks made different calls.</summary>
    Mismatch = 4,
    /// <summary>A rank rejected its own call's arguments after its peers had started.</summary>
    InvalidArgument = 5,
    /// <summary>A rank's caller cancelled an operation in flight.</summary>
    Cancelled = 6,
    /// <summary>A frame broke the wire rules (bad header, wrong chunk).</summary>
    Protocol = 7,
    /// <summary>Any other failure inside an operation.</summary>
    Failed = 8,
}
