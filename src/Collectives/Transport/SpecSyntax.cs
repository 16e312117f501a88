using System.Globalization;

namespace Collectives.Transport;

/// <summary>
/// The grammar the test settings of links share (COLLECTIVES_FAULTS, COLLECTIVES_CIRCUITS):
/// comma-separated <c>key=value</c> pairs, each key at most once, and times as a number with a
/// unit. Hand-written and bounded (DESIGN.md: no parser trusts its input); errors come from the
/// caller's factory, so each names its own setting and syntax.
/// </summary>
internal static class SpecSyntax
{
    /// <summary>Longest single number accepted (digits, point, exponent).</summary>
    public const int MaxNumberLength = 32;

    /// <summary>The pairs of <paramref name="text"/>, keys lower-cased, values trimmed.</summary>
    /// <exception cref="ArgumentException">From <paramref name="error"/>: a part is not key=value, or a key is given twice.</exception>
    public static List<(string Key, string Value)> Pairs(string text, Func<string, ArgumentException> error)
    {
        var pairs = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string rawPart in text.Split(','))
        {
            string part = rawPart.Trim();
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw error($"'{part}' is not key=value");
            }
            string key = part[..equals].Trim().ToLowerInvariant();
            if (!seen.Add(key))
            {
                throw error($"'{key}' is given twice");
            }
            pairs.Add((key, part[(equals + 1)..].Trim()));
        }
        return pairs;
    }

    /// <summary>
    /// A time such as 500ns, 50us, 2ms or 0.1s in seconds, or null when <paramref name="value"/> is
    /// not one (no unit, a sign, too long). Divided, not multiplied, by the unit: 0.5 / 1e6 is the
    /// double nearest 0.5e-6, so times written in microseconds read back exactly.
    /// </summary>
    public static double? Seconds(string value)
    {
        string lower = value.ToLowerInvariant();
        (string number, double perSecond) = lower switch
        {
            _ when lower.EndsWith("ns", StringComparison.Ordinal) => (lower[..^2], 1e9),
            _ when lower.EndsWith("us", StringComparison.Ordinal) => (lower[..^2], 1e6),
            _ when lower.EndsWith("ms", StringComparison.Ordinal) => (lower[..^2], 1e3),
            _ when lower.EndsWith('s') => (lower[..^1], 1.0),
            _ => ("", 0.0),
        };
        return number.Length is > 0 and <= MaxNumberLength &&
            double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double amount) &&
            double.IsFinite(amount)
            ? amount / perSecond
            : null;
    }

    /// <summary>Runs <paramref name="parse"/> without exceptions: false with the message of the <see cref="ArgumentException"/> it threw.</summary>
    public static bool TryParse<T>(Func<string?, T> parse, string? text, out T? result, out string? error)
        where T : class
    {
        try
        {
            result = parse(text);
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }
}
