namespace Collectives.Bootstrap;

/// <summary>The rendezvous store could not be reached, went away, or stopped answering; the message names its address.</summary>
public sealed class StoreUnavailableException : IOException
{
    public StoreUnavailableException(string message, string storeAddress, Exception? inner = null)
        : base(message, inner)
    {
        StoreAddress = storeAddress;
    }

    public string StoreAddress { get; }
}
