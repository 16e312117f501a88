namespace Collectives.Kernels;

/// <summary>
/// The element types a collective can carry. The numeric values travel in frame headers
/// (wire format), so they never change once released.
/// </summary>
public enum DataType : byte
{
    Float32 = 1,
    Float64 = 2,
    Float16 = 3,
    BFloat16 = 4,
    Int8 = 5,
    UInt8 = 6,
    Int32 = 7,
    UInt32 = 8,
    Int64 = 9,
    UInt64 = 10,
}
