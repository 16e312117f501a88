namespace Collectives.Optical.Switches;

/// <summary>
/// A number with where it came from: a paper, a manual page, a repository file, or "assumed"
/// with the reason. Every figure of a switch preset carries one, so a surprising plan can be
/// traced to the number that made it, and a user can see which numbers are only assumptions.
/// </summary>
public readonly record struct Sourced<T>(T Value, string Source);
