namespace Collectives.Cli.Tune;

/// <summary>What <c>collectives tune</c> measures and where the profile goes, parsed from its flags.</summary>
internal sealed record TuneOptions
{
    /// <summary>
    /// Without a launcher: the transports to calibrate, one 2-rank job each. Shared memory and
    /// TCP are the links a job on this machine (or between its namespace hosts) uses.
    /// </summary>
    public static IReadOnlyList<string> DefaultTransports { get; } = ["shm", "tcp"];

    public IReadOnlyList<string> Transports { get; init; } = DefaultTransports;

    /// <summary>True when --transports was on the command line (a launched rank then forces them on its job).</summary>
    public bool TransportsGiven { get; init; }

    /// <summary>Where to write the profile; null prints it to standard output.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Two sizes and few repetitions: a profile in seconds, for tests and smoke runs, not for decisions.</summary>
    public bool Quick { get; init; }

    /// <summary>Sizes to measure beta and gamma at; null takes the schedule's (quick or full).</summary>
    public IReadOnlyList<long>? Sizes { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    public bool Help { get; init; }

    /// <summary>How much to measure, from <see cref="Quick"/> and <see cref="Sizes"/>.</summary>
    public TuneSchedule Schedule
    {
        get
        {
            TuneSchedule schedule = Quick ? TuneSchedule.Quick : TuneSchedule.Full;
            return Sizes is null ? schedule : schedule with { Sizes = Sizes };
        }
    }
}
