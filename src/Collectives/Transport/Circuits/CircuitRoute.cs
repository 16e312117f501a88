using Collectives.Optical.Circuits;

namespace Collectives.Transport.Circuits;

/// <summary>
/// How a node's frames reach one peer on <see cref="Configuration"/>: over <see cref="Hops"/>
/// circuits (1: a circuit of its own), at <see cref="SecondsPerByte"/>, and
/// <see cref="LatencySeconds"/> for the first byte (light per hop plus every relaying host).
/// </summary>
public readonly record struct CircuitRoute(CircuitConfiguration Configuration, int Hops, double SecondsPerByte, double LatencySeconds);
