using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Makes a link's pair segment. The lower endpoint creates it (owner-only, never reusing a
/// name), writes its header and a tag that proves it holds the job key, then publishes the magic.
/// The higher endpoint polls until the segment appears, checks everything in the header, and
/// acknowledges with its own tag. The creator then removes the name: from then on only the two
/// mappings keep the memory, so nothing outlives the processes. A peer that never comes fails
/// the connect at the deadline, one that dies fails it at once.
/// </summary>
internal static class PairHandshake
{
    // Links whose creator is in this process and whose mapper has not acknowledged yet: a mapper
    // in the same process picks up the shared state here.
    private static readonly ConcurrentDictionary<string, LocalPair> Connecting = new();

    public static async ValueTask<(SharedSegment Segment, LocalPair Local)> CreateAsync(PairSpec spec, long capacity, CancellationToken cancellationToken)
    {
        SharedSegment segment = SharedSegment.Create(spec.Path, SegmentLayout.PairSegmentBytes(capacity));
        var local = new LocalPair();
        try
        {
            Connecting[spec.Path] = local;
            InitializeHeader(segment, spec, capacity);
            await WaitAsync(() => IsAcknowledged(segment), spec, "map the shared-memory segment", cancellationToken).ConfigureAwait(false);
            CheckMapperTag(segment, spec);
            segment.Unlink();
            return (segment, local);
        }
        catch
        {
            segment.Unlink();
            segment.Dispose();
            throw;
        }
        finally
        {
            Connecting.TryRemove(spec.Path, out _);
        }
    }

    public static async ValueTask<(SharedSegment Segment, LocalPair? Local, long Capacity)> OpenAsync(PairSpec spec, CancellationToken cancellationToken)
    {
        SharedSegment? segment = null;
        await WaitAsync(() =>
        {
            segment = SharedSegment.TryOpen(spec.Path, SegmentLayout.PairHeaderBytes);
            if (segment is not null && !IsPublished(segment))
            {
                segment.Dispose();
                segment = null;
            }
            return segment is not null;
        }, spec, "create the shared-memory segment", cancellationToken).ConfigureAwait(false);
        try
        {
            long capacity = ValidateHeader(segment!, spec);
            Connecting.TryGetValue(spec.Path, out LocalPair? local);
            Acknowledge(segment!, spec);
            return (segment!, local, capacity);
        }
        catch
        {
            segment!.Dispose();
            throw;
        }
    }

    private static async ValueTask WaitAsync(Func<bool> done, PairSpec spec, string what, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + (long)spec.Timeout.TotalMilliseconds;
        TimeSpan pause = SharedMemoryTuning.ConnectPollFirst;
        while (!done())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!spec.PeerProcess.IsAlive())
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"Endpoint {spec.LocalEndpoint} cannot link to endpoint {spec.PeerEndpoint}: its process (pid {spec.PeerProcess.Pid}) " +
                    $"died before it could {what} {spec.Path}."));
            }
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Endpoint {spec.LocalEndpoint} waited {spec.Timeout} for endpoint {spec.PeerEndpoint} (pid {spec.PeerProcess.Pid}) to " +
                    $"{what} {spec.Path} for communicator {spec.CommunicatorId:x16}, but it never did. Check that endpoint " +
                    $"{spec.PeerEndpoint} is running and connects to endpoint {spec.LocalEndpoint} on the same communicator."));
            }
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, SharedMemoryTuning.ConnectPollMax.Ticks));
        }
    }

    private static unsafe void InitializeHeader(SharedSegment segment, PairSpec spec, long capacity)
    {
        byte* header = segment.Base;
        ProcessIdentity self = ProcessIdentity.Current;
        *(uint*)(header + SegmentLayout.VersionOffset) = SegmentLayout.Version;
        self.Write(header, SegmentLayout.OwnerPidOffset, SegmentLayout.OwnerStartTimeOffset, SegmentLayout.OwnerPidNamespaceOffset);
        *(ulong*)(header + SegmentLayout.JobHashOffset) = spec.JobHash;
        *(long*)(header + SegmentLayout.TotalBytesOffset) = segment.Length;
        *(ulong*)(header + SegmentLayout.CommunicatorIdOffset) = spec.CommunicatorId;
        *(int*)(header + SegmentLayout.LowEndpointOffset) = spec.Low;
        *(int*)(header + SegmentLayout.HighEndpointOffset) = spec.High;
        *(ulong*)(header + SegmentLayout.LowInstanceOffset) = spec.LowInstance;
        *(ulong*)(header + SegmentLayout.HighInstanceOffset) = spec.HighInstance;
        *(long*)(header + SegmentLayout.RingCapacityOffset) = capacity;
        Tag(spec, "creator", self).CopyTo(new Span<byte>(header + SegmentLayout.CreatorTagOffset, SegmentLayout.TagBytes));
        Volatile.Write(ref *(ulong*)(header + SegmentLayout.MagicOffset), SegmentLayout.PairMagic);
    }

    private static unsafe bool IsPublished(SharedSegment segment) =>
        Volatile.Read(ref *(ulong*)(segment.Base + SegmentLayout.MagicOffset)) == SegmentLayout.PairMagic;

    private static unsafe bool IsAcknowledged(SharedSegment segment) =>
        Volatile.Read(ref *(int*)(segment.Base + SegmentLayout.MappedFlagOffset)) != 0;

    /// <summary>Checks every header field against what this end expects; returns the ring capacity.</summary>
    private static unsafe long ValidateHeader(SharedSegment segment, PairSpec spec)
    {
        byte* header = segment.Base;
        long capacity = *(long*)(header + SegmentLayout.RingCapacityOffset);
        var creator = ProcessIdentity.Read(header, SegmentLayout.OwnerPidOffset, SegmentLayout.OwnerStartTimeOffset, SegmentLayout.OwnerPidNamespaceOffset);
        string? problem =
            *(uint*)(header + SegmentLayout.VersionOffset) != SegmentLayout.Version ? "its layout version differs" :
            *(long*)(header + SegmentLayout.TotalBytesOffset) != segment.Length ? "its size differs from its header" :
            *(ulong*)(header + SegmentLayout.JobHashOffset) != spec.JobHash ? "it belongs to another job" :
            *(ulong*)(header + SegmentLayout.CommunicatorIdOffset) != spec.CommunicatorId ||
            *(int*)(header + SegmentLayout.LowEndpointOffset) != spec.Low ||
            *(int*)(header + SegmentLayout.HighEndpointOffset) != spec.High ||
            *(ulong*)(header + SegmentLayout.LowInstanceOffset) != spec.LowInstance ||
            *(ulong*)(header + SegmentLayout.HighInstanceOffset) != spec.HighInstance ? "it names another link" :
            capacity < SharedMemoryTransportOptions.MinRingBytes || capacity > SharedMemoryTransportOptions.MaxRingBytes ||
            !BitOperations.IsPow2(capacity) || SegmentLayout.PairSegmentBytes(capacity) != segment.Length ? "its ring size is invalid" :
            creator.Pid != spec.PeerProcess.Pid ? "another process created it" :
            null;
        if (problem is not null)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"Endpoint {spec.LocalEndpoint} rejected the shared-memory segment {spec.Path} from endpoint {spec.PeerEndpoint}: {problem}."));
        }
        if (!CryptographicOperations.FixedTimeEquals(Tag(spec, "creator", creator),
            new ReadOnlySpan<byte>(header + SegmentLayout.CreatorTagOffset, SegmentLayout.TagBytes)))
        {
            throw new AuthenticationException(string.Create(CultureInfo.InvariantCulture,
                $"Endpoint {spec.LocalEndpoint}: the creator of {spec.Path} does not hold this job's key; it is not endpoint {spec.PeerEndpoint} of this job."));
        }
        return capacity;
    }

    private static unsafe void Acknowledge(SharedSegment segment, PairSpec spec)
    {
        byte* header = segment.Base;
        ProcessIdentity self = ProcessIdentity.Current;
        self.Write(header, SegmentLayout.MapperPidOffset, SegmentLayout.MapperStartTimeOffset, SegmentLayout.MapperPidNamespaceOffset);
        Tag(spec, "mapper", self).CopyTo(new Span<byte>(header + SegmentLayout.MapperTagOffset, SegmentLayout.TagBytes));
        Volatile.Write(ref *(int*)(header + SegmentLayout.MappedFlagOffset), 1);
    }

    private static unsafe void CheckMapperTag(SharedSegment segment, PairSpec spec)
    {
        byte* header = segment.Base;
        var mapper = ProcessIdentity.Read(header, SegmentLayout.MapperPidOffset, SegmentLayout.MapperStartTimeOffset, SegmentLayout.MapperPidNamespaceOffset);
        if (mapper.Pid != spec.PeerProcess.Pid || !CryptographicOperations.FixedTimeEquals(Tag(spec, "mapper", mapper),
            new ReadOnlySpan<byte>(header + SegmentLayout.MapperTagOffset, SegmentLayout.TagBytes)))
        {
            throw new AuthenticationException(string.Create(CultureInfo.InvariantCulture,
                $"Endpoint {spec.LocalEndpoint}: the process that mapped {spec.Path} (pid {mapper.Pid}) is not endpoint {spec.PeerEndpoint} of this job."));
        }
    }

    /// <summary>HMAC-SHA256 under the job key, bound to the segment and the process that wrote it.</summary>
    private static byte[] Tag(PairSpec spec, string role, ProcessIdentity writer) =>
        HMACSHA256.HashData(spec.Key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"collectives-shm-v{SegmentLayout.Version}|{role}|{spec.Path}|{writer.Pid}|{writer.StartTime}|{writer.PidNamespace}")));
}
