namespace Collectives.Bootstrap;

/// <summary>
/// One request. Single-key operations carry their key as <c>Keys[0]</c>; <see cref="Value"/> is
/// the set's value, <see cref="Delta"/> the add's, <see cref="TimeoutMilliseconds"/> a get's or wait's deadline.
/// </summary>
internal sealed record StoreRequest(StoreOpcode Opcode, uint RequestId, string[] Keys)
{
    public ReadOnlyMemory<byte> Value { get; init; }

    public long Delta { get; init; }

    public uint TimeoutMilliseconds { get; init; }
}

/// <summary>
/// One response: <see cref="Value"/> for a get, <see cref="Number"/> for an add, <see cref="Flag"/>
/// for a check or delete, <see cref="MissingKeys"/> for a timeout, <see cref="Message"/> for an error.
/// </summary>
internal sealed record StoreResponse(StoreOpcode Opcode, StoreStatus Status, uint RequestId)
{
    public ReadOnlyMemory<byte> Value { get; init; }

    public long Number { get; init; }

    public bool Flag { get; init; }

    public string[] MissingKeys { get; init; } = [];

    public string Message { get; init; } = "";
}
