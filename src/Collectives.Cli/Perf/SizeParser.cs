using System.Globalization;

namespace Collectives.Cli.Perf;

/// <summary>
/// Byte counts as nccl-tests writes them: a whole number with an optional K, M or G suffix,
/// binary (1K = 1024), case-insensitive, an optional trailing "B" or "iB" ("64KiB").
/// </summary>
internal static class SizeParser
{
    public const string Syntax = "a byte count with an optional K, M or G suffix (binary: 1K = 1024), e.g. 8, 64K, 32M, 1G";

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        string s = text.Trim();
        if (s.EndsWith("ib", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^2];
            if (s.Length == 0 || !IsSuffix(s[^1]))
            {
                return false;
            }
        }
        else if (s.EndsWith('b') || s.EndsWith('B'))
        {
            s = s[..^1];
        }
        if (s.Length == 0)
        {
            return false;
        }
        int shift = 0;
        if (IsSuffix(s[^1]))
        {
            shift = char.ToUpperInvariant(s[^1]) switch { 'K' => 10, 'M' => 20, _ => 30 };
            s = s[..^1];
        }
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number > (long.MaxValue >> shift))
        {
            return false;
        }
        bytes = number << shift;
        return true;
    }

    /// <summary>"64K", "32M", "1G" when exact, bytes otherwise: for headers and messages.</summary>
    public static string Format(long bytes)
    {
        foreach ((int shift, char suffix) in new[] { (30, 'G'), (20, 'M'), (10, 'K') })
        {
            if (bytes >= (1L << shift) && bytes % (1L << shift) == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes >> shift}{suffix}");
            }
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static bool IsSuffix(char c) => char.ToUpperInvariant(c) is 'K' or 'M' or 'G';
}
