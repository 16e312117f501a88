using System.Globalization;

namespace Collectives.Bootstrap;

/// <summary>
/// Parses a duration as people write it in an environment variable: plain seconds ("30", "0.5"),
/// a number with one unit ("500ms", "30s", "5m", "2h"), or a .NET TimeSpan ("00:05:00").
/// </summary>
public static class DurationText
{
    /// <summary>Longest deadline allowed: what a timer can hold (as CommunicatorOptions.Timeout).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>True for a positive, finite duration no longer than <see cref="Max"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        string s = text.Trim().ToLowerInvariant();
        if (s.Contains(':'))
        {
            if (!TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out duration))
            {
                return false;
            }
        }
        else
        {
            (string number, double unitSeconds) = s switch
            {
                _ when s.EndsWith("ms", StringComparison.Ordinal) => (s[..^2], 0.001),
                _ when s.EndsWith('s') => (s[..^1], 1.0),
                _ when s.EndsWith('m') => (s[..^1], 60.0),
                _ when s.EndsWith('h') => (s[..^1], 3600.0),
                _ => (s, 1.0),
            };
            if (!double.TryParse(number.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) ||
                !double.IsFinite(value) || value * unitSeconds > Max.TotalSeconds)
            {
                return false;
            }
            duration = TimeSpan.FromSeconds(value * unitSeconds);
        }
        return duration > TimeSpan.Zero && duration <= Max;
    }
}
