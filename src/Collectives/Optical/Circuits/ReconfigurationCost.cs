namespace Collectives.Optical.Circuits;

/// <summary>
/// What changing from one configuration to another costs: the seconds the touched circuits are
/// dark (0 when nothing changes), how many ports and planes move, and, when the change is not
/// allowed at all, why (<see cref="Seconds"/> is then infinite).
/// </summary>
public readonly record struct ReconfigurationCost(double Seconds, int PortsTouched, int PlanesTouched, string? Blocked = null)
{
    public static ReconfigurationCost None { get; } = new(0, 0, 0);

    public bool Changes => PortsTouched > 0;

    public bool IsAllowed => Blocked is null;
}
