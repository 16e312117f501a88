using Collectives.Kernels;
using Collectives.Wire;

namespace Collectives.Algorithms;

/// <summary>
/// One validated call, in bytes: what the communicator hands to <see cref="AlgorithmRunner"/>.
/// <see cref="Count"/> is the count in the fingerprint: elements per rank for reduce-scatter,
/// all-gather and all-to-all; the whole buffer otherwise. <see cref="Channels"/> is how many
/// parallel rings (separate link sets) the selector split the call across; <see cref="ChunkBytes"/>
/// the frame payload it chose for pipelined algorithms (0: the configured one).
/// </summary>
internal readonly record struct CollectiveCall(
    CollectiveKind Kind,
    DataType DataType,
    ReduceOp Op,
    Algorithm Algorithm,
    int Root,
    long Count,
    ReadOnlyMemory<byte> Input,
    Memory<byte> Output,
    bool InPlace = false,
    int Peer = -1,
    int Channels = 1,
    int ChunkBytes = 0)
{
    public OperationFingerprint Fingerprint => new(Kind, DataType, Op, Algorithm, Root, Count);
}
