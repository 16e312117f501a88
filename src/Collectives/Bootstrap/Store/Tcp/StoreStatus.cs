namespace Collectives.Bootstrap;

/// <summary>How a store request ended. Wire values.</summary>
internal enum StoreStatus : byte
{
    Ok = 1,
    /// <summary>A get or wait passed its deadline; the body lists the missing keys.</summary>
    Timeout = 2,
    /// <summary>The request was refused (adding to a non-counter); the body is a message.</summary>
    Error = 3,
}
