using System.Runtime.Intrinsics;

namespace Collectives.Tests.Kernels;

/// <summary>Vector lanes as arrays, for lane-by-lane assertions.</summary>
internal static class VectorArrays
{
    public static T[] ToScalarArray<T>(this Vector128<T> vector)
    {
        var lanes = new T[Vector128<T>.Count];
        vector.CopyTo(lanes);
        return lanes;
    }

    public static T[] ToScalarArray<T>(this Vector256<T> vector)
    {
        var lanes = new T[Vector256<T>.Count];
        vector.CopyTo(lanes);
        return lanes;
    }

    public static T[] ToScalarArray<T>(this Vector512<T> vector)
    {
        var lanes = new T[Vector512<T>.Count];
        vector.CopyTo(lanes);
        return lanes;
    }
}
