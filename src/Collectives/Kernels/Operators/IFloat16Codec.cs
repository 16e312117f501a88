using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// Converts a 16-bit floating-point format (Half, BFloat16) to and from float, so reductions run in
/// float and round once. The vector forms work on 32-bit lanes that each hold two packed 16-bit
/// elements: <c>WidenLow</c> widens the element in bits 0..15 of every lane, <c>WidenHigh</c> the one in
/// bits 16..31, and <c>Narrow</c> packs both back. <c>NarrowQuietNaNs</c> is a faster
/// <c>Narrow</c> for results of IEEE arithmetic on widened inputs (see
/// <see cref="IReduceOperator{T}.ReturnsOnlyQuietNaNs"/>); it may mishandle other NaNs. Keeping the element pairs in place (instead of
/// widening with cross-lane shuffles) leaves only shifts, masks and adds on the hot path; element
/// order does not matter because every reduction is element-wise.
/// </summary>
internal interface IFloat16Codec
{
    static abstract float ToSingle(ushort bits);

    static abstract ushort FromSingle(float value);

    static abstract Vector128<float> WidenLow(Vector128<uint> packed);

    static abstract Vector128<float> WidenHigh(Vector128<uint> packed);

    static abstract Vector128<uint> Narrow(Vector128<float> low, Vector128<float> high);

    static abstract Vector128<uint> NarrowQuietNaNs(Vector128<float> low, Vector128<float> high);

    static abstract Vector256<float> WidenLow(Vector256<uint> packed);

    static abstract Vector256<float> WidenHigh(Vector256<uint> packed);

    static abstract Vector256<uint> Narrow(Vector256<float> low, Vector256<float> high);

    static abstract Vector256<uint> NarrowQuietNaNs(Vector256<float> low, Vector256<float> high);

    static abstract Vector512<float> WidenLow(Vector512<uint> packed);

    static abstract Vector512<float> WidenHigh(Vector512<uint> packed);

    static abstract Vector512<uint> Narrow(Vector512<float> low, Vector512<float> high);

    static abstract Vector512<uint> NarrowQuietNaNs(Vector512<float> low, Vector512<float> high);
}
