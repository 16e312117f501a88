namespace Collectives.Optical;

/// <summary>The modular arithmetic rings on n nodes need: which strides make one cycle, and how to walk back along one.</summary>
internal static class Modular
{
    public static long GreatestCommonDivisor(long a, long b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    /// <summary>x with (value · x) mod modulus = 1, by the extended Euclidean algorithm; value and modulus must be coprime.</summary>
    public static long Inverse(long value, long modulus)
    {
        if (modulus == 1)
        {
            return 0;
        }
        long oldR = ((value % modulus) + modulus) % modulus, r = modulus, oldS = 1, s = 0;
        while (r != 0)
        {
            long quotient = oldR / r;
            (oldR, r) = (r, oldR - (quotient * r));
            (oldS, s) = (s, oldS - (quotient * s));
        }
        if (oldR != 1)
        {
            throw new ArgumentException($"{value} has no inverse modulo {modulus}: they share the factor {oldR}.", nameof(value));
        }
        return ((oldS % modulus) + modulus) % modulus;
    }
}
