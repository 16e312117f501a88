namespace Collectives.Topology;

/// <summary>
/// A topology document (<see cref="TopologyJson"/>) that cannot be read: malformed JSON, a
/// missing or mistyped field, a value out of range, or links that contradict each other. The
/// only exception <see cref="TopologyJson.Parse"/> throws for bad input; the message starts with
/// the field at fault ("ranks[2].numa: ...") so an operator can fix a hand-written file.
/// </summary>
public sealed class TopologyFormatException : FormatException
{
    public TopologyFormatException(string field, string problem)
        : base(field.Length == 0 ? problem : field + ": " + problem)
    {
        Field = field;
    }

    public TopologyFormatException(string field, string problem, Exception innerException)
        : base(field.Length == 0 ? problem : field + ": " + problem, innerException)
    {
        Field = field;
    }

    /// <summary>The JSON path of the field at fault ("ranks[2].numa", "matrix[0][3]"), or "" for the document as a whole.</summary>
    public string Field { get; }
}
