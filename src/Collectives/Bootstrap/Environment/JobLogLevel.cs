namespace Collectives.Bootstrap;

/// <summary>How much a job logs (COLLECTIVES_LOG_LEVEL); each level includes the ones above it.</summary>
public enum JobLogLevel
{
    Error,
    Warning,
    Info,
    Debug,
    Trace,
}
