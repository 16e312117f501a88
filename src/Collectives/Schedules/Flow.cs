namespace Collectives.Schedules;

/// <summary>One transfer of a communication step: node <see cref="From"/> sends to node <see cref="To"/>.</summary>
public readonly record struct Flow(int From, int To);
