namespace Collectives.Selection;

/// <summary>
/// Algorithms the user forced, parsed from <see cref="CommunicatorOptions.Algorithm"/> (and
/// later COLLECTIVES_ALGO). Syntax, in the spirit of NCCL_ALGO:
/// <list type="bullet">
/// <item><c>ring</c>: every collective that has a ring algorithm uses it; the others choose as usual.</item>
/// <item><c>allreduce=tree,broadcast=ring</c>: per collective; naming an algorithm the collective lacks is an error.</item>
/// </list>
/// Items are separated by ',' or ';'; ':' works in place of '='.
/// </summary>
internal sealed class AlgorithmOverrides
{
    private readonly Dictionary<CollectiveKind, Algorithm> _forced;

    private AlgorithmOverrides(Dictionary<CollectiveKind, Algorithm> forced) => _forced = forced;

    public static AlgorithmOverrides None { get; } = new([]);

    public bool TryGet(CollectiveKind kind, out Algorithm algorithm) => _forced.TryGetValue(kind, out algorithm);

    /// <exception cref="ArgumentException">The text names an unknown collective or algorithm, or an impossible pair; the message lists the possible ones.</exception>
    public static AlgorithmOverrides Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }
        var forced = new Dictionary<CollectiveKind, Algorithm>();
        foreach (string raw in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int separator = raw.IndexOfAny(['=', ':']);
            if (separator < 0)
            {
                Algorithm algorithm = ParseAlgorithm(raw, text);
                bool any = false;
                foreach (CollectiveKind kind in AlgorithmCatalog.Overridable)
                {
                    if (AlgorithmCatalog.Supports(kind, algorithm))
                    {
                        forced[kind] = algorithm;
                        any = true;
                    }
                }
                if (algorithm == Algorithm.Ring)
                {
                    forced[CollectiveKind.Split] = algorithm;
                }
                if (!any)
                {
                    throw Invalid(text, $"no collective has the algorithm '{raw}'");
                }
                continue;
            }
            string collectiveName = raw[..separator].Trim();
            string algorithmName = raw[(separator + 1)..].Trim();
            CollectiveKind collective = ParseCollective(collectiveName, text);
            Algorithm chosen = ParseAlgorithm(algorithmName, text);
            if (!AlgorithmCatalog.Supports(collective, chosen))
            {
                throw Invalid(text, $"{collective} has no '{algorithmName}' algorithm");
            }
            forced[collective] = chosen;
        }
        return new AlgorithmOverrides(forced);
    }

    private static Algorithm ParseAlgorithm(string name, string text) =>
        AlgorithmNames.TryParse(name, out Algorithm algorithm) ? algorithm : throw Invalid(text, $"unknown algorithm '{name}'");

    private static CollectiveKind ParseCollective(string name, string text)
    {
        foreach (CollectiveKind kind in AlgorithmCatalog.Overridable)
        {
            if (string.Equals(kind.ToString(), name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal),
                StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }
        throw Invalid(text, $"unknown collective '{name}'");
    }

    private static ArgumentException Invalid(string text, string problem) => new(
        $"Algorithm override \"{text}\": {problem}. Possible algorithms per collective: {AlgorithmCatalog.Describe()}. " +
        "Write one name (\"ring\") or collective=name pairs (\"allreduce=tree,broadcast=ring\").", "Algorithm");
}
