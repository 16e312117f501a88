using System.Runtime.CompilerServices;

namespace Collectives.Cli.Perf;

/// <summary>
/// Counts the elements of a rank's output that differ, bit for bit, from the exact expected
/// result: the #wrong column. The patterns make every result exact, so there is no tolerance.
/// </summary>
internal static class ResultChecker
{
    public static long CountWrong<T>(ExpectedValues<T> expected, int rank, in CollectiveLayout layout, ReadOnlySpan<T> output)
        where T : unmanaged
    {
        long wrong = 0;
        for (int i = 0; i < output.Length; i++)
        {
            T want = expected.Output(rank, i, layout);
            if (!SameBits(output[i], want))
            {
                wrong++;
            }
        }
        return wrong;
    }

    private static bool SameBits<T>(T a, T b)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 1) return Unsafe.As<T, byte>(ref a) == Unsafe.As<T, byte>(ref b);
        if (Unsafe.SizeOf<T>() == 2) return Unsafe.As<T, ushort>(ref a) == Unsafe.As<T, ushort>(ref b);
        if (Unsafe.SizeOf<T>() == 4) return Unsafe.As<T, uint>(ref a) == Unsafe.As<T, uint>(ref b);
        return Unsafe.As<T, ulong>(ref a) == Unsafe.As<T, ulong>(ref b);
    }
}
