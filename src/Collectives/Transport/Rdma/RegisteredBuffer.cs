using System.Runtime.InteropServices;
using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// Page-aligned native memory registered with the endpoint: a receive ring, message slots, a
/// staging area or a rendezvous target. Native, so it never moves and pinning costs nothing; page
/// aligned, because some providers register whole pages (FI_MR_ALLOCATED). The region is closed
/// before the memory is freed, so a late peer write fails at the provider instead of landing in
/// memory that was handed back.
/// </summary>
internal sealed unsafe class RegisteredBuffer : IDisposable
{
    private const int PageBytes = 4096;

    private readonly UnmanagedMemoryManager<byte> _memory;
    private FabricMemoryRegionHandle? _region;
    private byte* _pointer;

    private RegisteredBuffer(byte* pointer, int length, FabricMemoryRegionHandle region, FabricMemoryInfo info)
    {
        _pointer = pointer;
        Length = length;
        _region = region;
        RemoteBase = info.RemoteBase;
        Key = info.Key;
        _memory = new UnmanagedMemoryManager<byte>(pointer, length);
    }

    public byte* Pointer => _pointer;

    public int Length { get; }

    /// <summary>The region to pass with local operations on this memory (null once closed).</summary>
    public FabricMemoryRegionHandle? Region => _region;

    /// <summary>What a peer adds an offset to when it writes here (the virtual address, or 0 on offset-addressed providers).</summary>
    public ulong RemoteBase { get; }

    public ulong Key { get; }

    public Memory<byte> Memory => _memory.Memory;

    /// <summary>Allocates and registers <paramref name="length"/> bytes with FabricStatus.Access* bits.</summary>
    public static RegisteredBuffer Allocate(FabricEndpoint endpoint, int length, uint access)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        byte* pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, PageBytes);
        try
        {
            FabricMemoryRegionHandle region = endpoint.Register(pointer, (nuint)length, access, out FabricMemoryInfo info);
            return new RegisteredBuffer(pointer, length, region, info);
        }
        catch
        {
            NativeMemory.AlignedFree(pointer);
            throw;
        }
    }

    public Span<byte> Span(int offset, int length) => new(_pointer + offset, length);

    /// <summary>Closes the registration and frees the memory; idempotent.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _region, null)?.Dispose();
        byte* pointer = _pointer;
        _pointer = null;
        if (pointer != null)
        {
            NativeMemory.AlignedFree(pointer);
        }
    }
}
