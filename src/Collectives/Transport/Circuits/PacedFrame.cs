namespace Collectives.Transport.Circuits;

/// <summary>
/// When one frame goes out on an emulated circuit: its bytes start on the wire at
/// <see cref="Start"/> and the frame is handed to the real transport at <see cref="Finish"/>.
/// When the switch had to change first, it was dark from <see cref="DarkFrom"/> to
/// <see cref="DarkUntil"/> (both equal when nothing changed). Times on the emulation's clock.
/// </summary>
public readonly record struct PacedFrame(CircuitRoute Route, double Start, double Finish, double DarkFrom, double DarkUntil)
{
    public bool WentDark => DarkUntil > DarkFrom;
}
