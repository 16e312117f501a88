namespace Collectives.Optical.Circuits;

/// <summary>
/// One directed circuit on switch plane <see cref="Plane"/>: the transmitter of port
/// <see cref="From"/> lit onto the receiver of port <see cref="To"/>. Port i of a plane belongs
/// to node i for i below the job's node count; higher ports belong to other tenants. A plane
/// only joins its own ports (node port k is wired to plane k), so a circuit never changes plane.
/// </summary>
public readonly record struct Circuit(int Plane, int From, int To);
