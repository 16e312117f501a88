using System.Globalization;
using System.Text;

namespace Collectives.Bootstrap;

/// <summary>Counters live in the store as decimal ASCII text, so a get of a counter reads naturally.</summary>
internal static class StoreCounter
{
    /// <summary>The counter after adding; throws <see cref="InvalidOperationException"/> for a value that is no counter or would overflow.</summary>
    public static long Add(string key, ReadOnlySpan<byte> current, bool exists, long delta)
    {
        long value = 0;
        if (exists && !long.TryParse(current, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            throw new InvalidOperationException($"Key '{key}' holds a value that is not a counter; add only to keys that only ever get added to.");
        }
        try
        {
            return checked(value + delta);
        }
        catch (OverflowException)
        {
            throw new InvalidOperationException($"Adding {delta} to counter '{key}' (now {value}) would overflow.");
        }
    }

    public static byte[] Format(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
