namespace Collectives.Bootstrap;

/// <summary>Bytes on a store connection that break the store protocol; the connection is closed.</summary>
public sealed class StoreProtocolException : IOException
{
    public StoreProtocolException(string message)
        : base(message)
    {
    }
}
