using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// <c>x / divisor</c> for a 16-bit float format: widen to float, divide (true IEEE division, not a
/// multiplication by the reciprocal), round once. The divisor stays a float so rank counts above
/// 2048, which Half cannot hold exactly, still divide exactly. Division returns only quiet NaNs
/// with an input's payload, so the fast narrowing applies.
/// </summary>
internal readonly struct Float16DivideOperator<TCodec> : IStatefulUnaryOperator<ushort>
    where TCodec : IFloat16Codec
{
    private readonly float _divisor;

    public Float16DivideOperator(float divisor) => _divisor = divisor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort Invoke(ushort x) => TCodec.FromSingle(TCodec.ToSingle(x) / _divisor);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<ushort> Invoke(Vector128<ushort> x)
    {
        Vector128<uint> packed = x.AsUInt32();
        Vector128<float> divisor = Vector128.Create(_divisor);
        return TCodec.NarrowQuietNaNs(TCodec.WidenLow(packed) / divisor, TCodec.WidenHigh(packed) / divisor).AsUInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<ushort> Invoke(Vector256<ushort> x)
    {
        Vector256<uint> packed = x.AsUInt32();
        Vector256<float> divisor = Vector256.Create(_divisor);
        return TCodec.NarrowQuietNaNs(TCodec.WidenLow(packed) / divisor, TCodec.WidenHigh(packed) / divisor).AsUInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<ushort> Invoke(Vector512<ushort> x)
    {
        Vector512<uint> packed = x.AsUInt32();
        Vector512<float> divisor = Vector512.Create(_divisor);
        return TCodec.NarrowQuietNaNs(TCodec.WidenLow(packed) / divisor, TCodec.WidenHigh(packed) / divisor).AsUInt16();
    }
}
