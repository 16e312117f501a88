namespace Collectives.Bootstrap;

/// <summary>What a store request asks for. Wire values.</summary>
internal enum StoreOpcode : byte
{
    Set = 1,
    Get = 2,
    Add = 3,
    Wait = 4,
    Check = 5,
    Delete = 6,
}
