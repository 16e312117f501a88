using System.Globalization;

namespace Collectives.Selection;

/// <summary>
/// Seconds per byte as a function of message size, from measurements at a few sizes: caches make
/// a 1 MiB copy several times faster per byte than a 256 MiB one, so one number cannot hold for
/// every size. Between points the curve interpolates in log(size); beyond the ends it stays flat.
/// </summary>
public sealed class CostCurve
{
    private readonly (long Bytes, double SecondsPerByte)[] _points;

    /// <exception cref="ArgumentException">No points, a size below 1, sizes not increasing, or a cost that is not finite and positive.</exception>
    public CostCurve(IEnumerable<(long Bytes, double SecondsPerByte)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        _points = points.ToArray();
        if (_points.Length == 0)
        {
            throw new ArgumentException("A cost curve needs at least one (bytes, seconds per byte) point.", nameof(points));
        }
        for (int i = 0; i < _points.Length; i++)
        {
            (long bytes, double cost) = _points[i];
            if (bytes < 1 || (i > 0 && bytes <= _points[i - 1].Bytes))
            {
                throw new ArgumentException("Cost curve sizes must be positive and strictly increasing.", nameof(points));
            }
            if (!double.IsFinite(cost) || cost <= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Cost curve point at {bytes} bytes has {cost} s/B; it must be finite and positive."), nameof(points));
            }
        }
    }

    /// <summary>A curve with the same cost at every size.</summary>
    public static CostCurve Flat(double secondsPerByte) => new([(1, secondsPerByte)]);

    public IReadOnlyList<(long Bytes, double SecondsPerByte)> Points => _points;

    /// <summary>Seconds per byte for a message (or working set) of <paramref name="bytes"/>.</summary>
    public double At(long bytes)
    {
        if (bytes <= _points[0].Bytes)
        {
            return _points[0].SecondsPerByte;
        }
        for (int i = 1; i < _points.Length; i++)
        {
            if (bytes <= _points[i].Bytes)
            {
                (long x0, double y0) = _points[i - 1];
                (long x1, double y1) = _points[i];
                double t = (Math.Log(bytes) - Math.Log(x0)) / (Math.Log(x1) - Math.Log(x0));
                return y0 + (t * (y1 - y0));
            }
        }
        return _points[^1].SecondsPerByte;
    }
}
