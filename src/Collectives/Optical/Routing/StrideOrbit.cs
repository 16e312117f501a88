namespace Collectives.Optical.Routing;

/// <summary>
/// The cycles a stride s traces on n nodes: gcd(n, s) cycles of n / gcd(n, s) circuits each.
/// Node v sits on cycle v mod g at position ((v − c) / g) · (s/g)⁻¹ mod L, so that moving
/// along the stride is moving one position on; the difference array keeps one slot beyond
/// each cycle so a run never spills into the next cycle.
/// </summary>
internal sealed class StrideOrbit
{
    private readonly int _cycles;
    private readonly int _length;
    private readonly long _inverse;

    public StrideOrbit(int nodes, int stride)
    {
        _cycles = (int)Modular.GreatestCommonDivisor(nodes, stride);
        _length = nodes / _cycles;
        _inverse = Modular.Inverse(stride / _cycles, _length);
    }

    public int Length => _cycles * (_length + 1);

    // A run of `run` consecutive circuits along the stride from `node` (run < cycle length on a shortest path).
    public void MarkRun(long[] marks, int node, int run)
    {
        int cycle = node % _cycles;
        int position = (int)(((long)(node - cycle) / _cycles * _inverse) % _length);
        int baseIndex = cycle * (_length + 1);
        int end = position + run;
        if (end <= _length)
        {
            marks[baseIndex + position]++;
            marks[baseIndex + end]--;
        }
        else
        {
            marks[baseIndex + position]++;
            marks[baseIndex + _length]--;
            marks[baseIndex]++;
            marks[baseIndex + end - _length]--;
        }
    }

    public long MaxLoad(long[] marks)
    {
        long max = 0;
        for (int cycle = 0; cycle < _cycles; cycle++)
        {
            long running = 0;
            int baseIndex = cycle * (_length + 1);
            for (int position = 0; position < _length; position++)
            {
                running += marks[baseIndex + position];
                max = Math.Max(max, running);
            }
        }
        return max;
    }
}
