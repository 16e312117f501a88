using System.Globalization;

namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// An RDM endpoint of the shim: its address, the peers it knows, memory registration, tagged
/// send and receive, RMA write with completion data, and the completion queue. Every call takes
/// the context's gate (the shim is FI_THREAD_DOMAIN), so the progress thread and the threads that
/// post can share it; none of them holds the gate for longer than one shim call.
/// </summary>
internal sealed unsafe class FabricEndpoint : IDisposable
{
    private readonly FabricContext _context;
    private readonly FabricEndpointHandle _handle;

    public FabricEndpoint(FabricContext context, FabricEndpointHandle handle)
    {
        _context = context;
        _handle = handle;
    }

    public FabricDevice Device => _context.Device;

    public FabricEndpointHandle Handle => _handle;

    /// <summary>This endpoint's address blob, what a peer passes to <see cref="InsertPeer"/>.</summary>
    public byte[] Address()
    {
        lock (_context.Gate)
        {
            nint ep = Live();
            nuint length = 0;
            int status = FabricLibrary.Table->EndpointAddress(ep, null, &length);
            if (status != FabricStatus.TooSmall && status != 0)
            {
                throw _context.Failure(status, "reading the endpoint address");
            }
            byte[] address = new byte[(int)length];
            fixed (byte* buffer = address)
            {
                status = FabricLibrary.Table->EndpointAddress(ep, buffer, &length);
            }
            return status == 0 ? address[..(int)length] : throw _context.Failure(status, "reading the endpoint address");
        }
    }

    /// <summary>Makes a peer's address known; returns the handle sends and writes to it use.</summary>
    public ulong InsertPeer(ReadOnlySpan<byte> address)
    {
        lock (_context.Gate)
        {
            ulong peer;
            int status;
            fixed (byte* blob = address)
            {
                status = FabricLibrary.Table->AddressVectorInsert(Live(), blob, (nuint)address.Length, &peer);
            }
            return status == 0 ? peer : throw _context.Failure(status, string.Create(CultureInfo.InvariantCulture,
                $"inserting a {address.Length}-byte peer address"));
        }
    }

    /// <summary>Registers [buffer, buffer+length) with FabricStatus.Access* bits; <paramref name="info"/> is what a writer needs.</summary>
    public FabricMemoryRegionHandle Register(void* buffer, nuint length, uint access, out FabricMemoryInfo info)
    {
        var region = new FabricMemoryRegionHandle(_handle);
        lock (_context.Gate)
        {
            nint value;
            FabricMemoryInfo described;
            int status = FabricLibrary.Table->MemoryRegister(Live(), buffer, length, access, &value, &described);
            if (status != 0)
            {
                region.Abandon();
                throw _context.Failure(status, string.Create(CultureInfo.InvariantCulture,
                    $"registering {length} bytes at 0x{(ulong)buffer:x} (access {access})"));
            }
            region.Adopt(value);
            info = described;
        }
        return region;
    }

    public void Send(ulong peer, void* buffer, nuint length, FabricMemoryRegionHandle? region, ulong tag, ulong context)
    {
        lock (_context.Gate)
        {
            int status = FabricLibrary.Table->TaggedSend(Live(), peer, buffer, length, Region(region), tag, context);
            if (status != 0)
            {
                throw _context.Failure(status, string.Create(CultureInfo.InvariantCulture, $"posting a {length}-byte tagged send"));
            }
        }
    }

    public void Receive(ulong peer, void* buffer, nuint length, FabricMemoryRegionHandle? region, ulong tag, ulong ignore, ulong context)
    {
        lock (_context.Gate)
        {
            int status = FabricLibrary.Table->TaggedReceive(Live(), peer, buffer, length, Region(region), tag, ignore, context);
            if (status != 0)
            {
                throw _context.Failure(status, string.Create(CultureInfo.InvariantCulture, $"posting a {length}-byte tagged receive"));
            }
        }
    }

    /// <summary>RMA write to <paramref name="remoteAddress"/> under <paramref name="remoteKey"/>; the target's queue gets <paramref name="data"/>.</summary>
    public void Write(ulong peer, void* buffer, nuint length, FabricMemoryRegionHandle? region, ulong remoteAddress, ulong remoteKey,
        ulong data, ulong context)
    {
        lock (_context.Gate)
        {
            int status = FabricLibrary.Table->Write(Live(), peer, buffer, length, Region(region), remoteAddress, remoteKey, data,
                FabricStatus.WriteWithData, context);
            if (status != 0)
            {
                throw _context.Failure(status, string.Create(CultureInfo.InvariantCulture, $"posting a {length}-byte RMA write"));
            }
        }
    }

    /// <summary>
    /// One pass of progress: fills <paramref name="completions"/> and returns how many finished.
    /// When any failed, <paramref name="failureText"/> is the shim's text for it (read at once, before
    /// another call can replace it).
    /// </summary>
    public int Poll(Span<FabricCompletion> completions, out string? failureText)
    {
        failureText = null;
        lock (_context.Gate)
        {
            if (_handle.IsClosed)
            {
                return 0;
            }
            uint count;
            int status;
            fixed (FabricCompletion* output = completions)
            {
                status = FabricLibrary.Table->Poll(_handle.DangerousGetHandle(), output, (uint)completions.Length, &count, 0);
            }
            if (status != 0)
            {
                throw _context.Failure(status, "polling the completion queue");
            }
            for (int i = 0; i < (int)count; i++)
            {
                if (completions[i].Status != 0)
                {
                    failureText = _context.LastErrorText();
                    break;
                }
            }
            return (int)count;
        }
    }

    /// <summary>Asks the provider to cancel the operation posted with <paramref name="context"/>; false when it knows none.</summary>
    public bool Cancel(ulong context)
    {
        lock (_context.Gate)
        {
            return !_handle.IsClosed && FabricLibrary.Table->Cancel(_handle.DangerousGetHandle(), context) == 0;
        }
    }

    public void Dispose() => _handle.Dispose();

    private nint Live()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return _handle.DangerousGetHandle();
    }

    private static nint Region(FabricMemoryRegionHandle? region) => region is null ? 0 : region.DangerousGetHandle();
}
