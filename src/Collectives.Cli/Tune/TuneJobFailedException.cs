namespace Collectives.Cli.Tune;

/// <summary>A measuring job tune started did not finish; the message says which and the ranks' errors were already printed.</summary>
internal sealed class TuneJobFailedException(string message) : Exception(message);
