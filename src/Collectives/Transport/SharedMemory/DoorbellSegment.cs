using System.Globalization;

namespace Collectives.Transport.SharedMemory;

/// <summary>Creates and opens the per-endpoint segment that holds an endpoint's <see cref="Doorbell"/>.</summary>
internal static unsafe class DoorbellSegment
{
    public static SharedSegment Create(string path, ulong jobHash)
    {
        SharedSegment segment = SharedSegment.Create(path, SegmentLayout.DoorbellSegmentBytes);
        byte* header = segment.Base;
        *(uint*)(header + SegmentLayout.VersionOffset) = SegmentLayout.Version;
        ProcessIdentity.Current.Write(header, SegmentLayout.OwnerPidOffset, SegmentLayout.OwnerStartTimeOffset, SegmentLayout.OwnerPidNamespaceOffset);
        *(ulong*)(header + SegmentLayout.JobHashOffset) = jobHash;
        *(long*)(header + SegmentLayout.TotalBytesOffset) = segment.Length;
        Volatile.Write(ref *(ulong*)(header + SegmentLayout.MagicOffset), SegmentLayout.DoorbellMagic);
        return segment;
    }

    /// <summary>Maps a peer's doorbell, checking that it is the one the peer's address names.</summary>
    public static SharedSegment Open(string path, SharedMemoryAddress peer)
    {
        SharedSegment segment = SharedSegment.TryOpen(path, SegmentLayout.DoorbellSegmentBytes) ?? throw new IOException(
            string.Create(CultureInfo.InvariantCulture,
                $"The doorbell segment {path} of endpoint {peer.Endpoint} (pid {peer.Process.Pid}) is missing: that endpoint has exited, " +
                $"or runs in another /dev/shm (another container) although it reports the same host id."));
        byte* header = segment.Base;
        if (Volatile.Read(ref *(ulong*)(header + SegmentLayout.MagicOffset)) != SegmentLayout.DoorbellMagic ||
            *(uint*)(header + SegmentLayout.VersionOffset) != SegmentLayout.Version ||
            *(int*)(header + SegmentLayout.OwnerPidOffset) != peer.Process.Pid ||
            *(ulong*)(header + SegmentLayout.JobHashOffset) != peer.JobHash)
        {
            segment.Dispose();
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"The doorbell segment {path} does not belong to endpoint {peer.Endpoint} (pid {peer.Process.Pid}) of this job."));
        }
        return segment;
    }
}
