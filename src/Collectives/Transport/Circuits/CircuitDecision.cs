namespace Collectives.Transport.Circuits;

/// <summary>
/// What a node's switch does for a frame to a peer: keep the configuration and send on
/// <see cref="Route"/>, or first change to <see cref="Route"/>'s configuration, dark for
/// <see cref="ChangeSeconds"/> (0 when nothing changes).
/// </summary>
public readonly record struct CircuitDecision(CircuitRoute Route, bool Changes, double ChangeSeconds);
