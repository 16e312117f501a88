using System.Collections.Concurrent;
using System.Globalization;
using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The fabric side of one RDMA transport: the shim context and its one endpoint (one completion
/// queue for every link, so one thread can wait on all of them), the registration map, the peers
/// the address vector knows, the links by id, and the progress thread that routes completions
/// to them. Links never call the shim except through <see cref="Fabric"/>, whose every call
/// takes the context's gate.
/// </summary>
internal sealed class RdmaEndpoint : IDisposable
{
    private readonly FabricContext _context;
    private readonly ConcurrentDictionary<uint, RdmaPeerLink> _links = new();
    private readonly Dictionary<string, ulong> _peers = [];
    private readonly FabricCompletion[] _batch = new FabricCompletion[RdmaTuning.CompletionBatch];
    private readonly object _pollGate = new();
    private readonly RdmaProgressEngine _engine;
    private RdmaPeerLink[] _snapshot = [];
    private int _nextLinkId;
    private int _callerPollers;

    public RdmaEndpoint(FabricContext context, int rank, RdmaTransportOptions options)
    {
        _context = context;
        Rank = rank;
        Options = options;
        bool shm = context.Device.Provider == RdmaProviders.Shm;
        InlineCreditBatch = shm ? 1UL : RdmaTuning.InlineCreditBatch;
        FrameMessageFirst = shm;
        Fabric = context.OpenEndpoint();
        try
        {
            Address = Fabric.Address();
        }
        catch
        {
            Fabric.Dispose();
            throw;
        }
        _engine = new RdmaProgressEngine(this, rank);
    }

    public FabricEndpoint Fabric { get; }

    public FabricDevice Device => _context.Device;

    public RegistrationMap Registrations { get; } = new();

    public RdmaTransportOptions Options { get; }

    /// <summary>This endpoint's job-wide rank, for messages.</summary>
    public int Rank { get; }

    /// <summary>This endpoint's fabric address blob.</summary>
    public byte[] Address { get; }

    /// <summary>"rdma over tcp;ofi_rxm (fabric 127.0.0.1/32)": how messages name the transport and provider.</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"rdma over {Device.Provider} (fabric {Device.Fabric})");

    /// <summary>
    /// Inline frames' slots a link may owe before a credit message of their own
    /// (<see cref="RdmaTuning.InlineCreditBatch"/>). One over shm, where a message is a memory
    /// write and the batch's gain is unsettled: same binary, batch on against off, 2-rank
    /// all-reduce ran 0.80-0.93x the time at 8 B-4 KiB and 0.87-1.04x at 32 KiB-16 MiB, but 4
    /// ranks on 2 cores ran 1.28-1.38x at 8 B and 1.10-1.17x at 256 KiB (0.76-0.91x at 512 B-4 KiB).
    /// </summary>
    public ulong InlineCreditBatch { get; }

    /// <summary>
    /// Whether a written frame's message is posted before its payload write. Over shm the
    /// receiver copies a written payload out of the sender (process_vm_readv) while it holds the
    /// lock on its own queues, and a message posted to it meanwhile spins on that lock. Posted
    /// after the write, the header waited out the peer's whole copy before this end could poll
    /// and copy the peer's frame in turn, so the two directions of a ring step ran one after the
    /// other: message first, nothing is left to post once the write is, and both copies run at
    /// once (2-rank all-reduce, same binary, order toggled: 0.75-0.88x the time at 1-64 MiB).
    /// Elsewhere the write goes first, so the payload is on its way sooner; over tcp;ofi_rxm the
    /// message first measured 1.06-1.30x slower at 1-64 MiB.
    /// </summary>
    public bool FrameMessageFirst { get; }

    /// <summary>Whether sends must come from registered memory (verbs, efa), or the caller asked for it to exercise that path.</summary>
    public bool RegisteredSourcesOnly => Options.CopySendsThroughStaging || (Device.Features & FabricFeatures.LocalRegistration) != 0;

    /// <summary>A fresh link id; ids are never reused, so a late message for a closed link finds nobody.</summary>
    public uint NextLinkId()
    {
        uint id = (uint)Interlocked.Increment(ref _nextLinkId);
        return id <= WriteToken.MaxLink ? id : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"Rank {Rank}: this rdma transport made {WriteToken.MaxLink} links in its life, the most its write tokens can name; start a new one."));
    }

    /// <summary>The address-vector handle of a peer endpoint, inserted once per distinct address.</summary>
    public ulong PeerHandle(byte[] address)
    {
        string key = Convert.ToBase64String(address);
        lock (_peers)
        {
            if (!_peers.TryGetValue(key, out ulong peer))
            {
                peer = Fabric.InsertPeer(address);
                _peers[key] = peer;
            }
            return peer;
        }
    }

    public void Add(RdmaPeerLink link)
    {
        _links[link.Id] = link;
        lock (_links)
        {
            _snapshot = [.. _snapshot, link];
        }
    }

    public void Remove(RdmaPeerLink link)
    {
        _links.TryRemove(link.Id, out _);
        lock (_links)
        {
            _snapshot = Array.FindAll(_snapshot, l => l != link);
        }
    }

    public IReadOnlyList<RdmaPeerLink> Links => Volatile.Read(ref _snapshot);

    public void Wake() => _engine.Wake();

    /// <summary>
    /// One poll of the completion queue, each completion handed to its link. Any thread may call it
    /// (a send checks for a peer's final message this way); one poller at a time keeps the batch
    /// buffer private, and <paramref name="waitForPoller"/> waits for the current one rather than
    /// skip. Returns how many completions it handled.
    /// </summary>
    public int ProgressOnce(bool waitForPoller = false)
    {
        if (waitForPoller)
        {
            Monitor.Enter(_pollGate); // what the current poller finds is routed before this poll starts
        }
        else if (!Monitor.TryEnter(_pollGate))
        {
            return 0; // someone else is polling right now: what they find is routed the same way
        }
        try
        {
            int count = Fabric.Poll(_batch, out string? failureText);
            for (int i = 0; i < count; i++)
            {
                Route(in _batch[i], failureText);
            }
            return count;
        }
        finally
        {
            Monitor.Exit(_pollGate);
        }
    }

    /// <summary>Whether a waiting caller is polling right now (the progress thread then stays out of its way).</summary>
    public bool CallerPolling => Volatile.Read(ref _callerPollers) > 0;

    /// <summary>A waiting caller starts driving progress itself (see <see cref="RdmaTransportOptions.ReceiveSpin"/>).</summary>
    public void EnterCallerPolling() => Interlocked.Increment(ref _callerPollers);

    /// <summary>The caller stopped polling: the progress thread takes over at once if anything still waits.</summary>
    public void ExitCallerPolling()
    {
        Interlocked.Decrement(ref _callerPollers);
        _engine.Wake();
    }

    /// <summary>Retries posts that found no room, and says whether any link waits for something polling brings.</summary>
    public bool AnyLinkWaiting()
    {
        RetryPendingPosts();
        foreach (RdmaPeerLink link in Volatile.Read(ref _snapshot))
        {
            if (link.NeedsProgress)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every link retries the posts that found no room in the provider's queues.</summary>
    public void RetryPendingPosts()
    {
        foreach (RdmaPeerLink link in Volatile.Read(ref _snapshot))
        {
            link.RetryPendingPosts();
        }
    }

    public void CheckDeadlines(long now)
    {
        foreach (RdmaPeerLink link in Volatile.Read(ref _snapshot))
        {
            link.CheckDeadlines(now);
        }
    }

    /// <summary>The completion queue itself failed: every link goes down with the provider's words.</summary>
    public void FailAll(Exception error)
    {
        foreach (RdmaPeerLink link in Volatile.Read(ref _snapshot))
        {
            link.FailFromFabric("polling the completion queue", error.Message);
        }
    }

    public void Dispose()
    {
        _engine.Dispose();
        foreach (RdmaPeerLink link in Volatile.Read(ref _snapshot))
        {
            link.ReleaseResources();
        }
        Fabric.Dispose();
        _context.Dispose();
    }

    private void Route(in FabricCompletion completion, string? failureText)
    {
        if (completion.Context == 0)
        {
            if ((completion.Flags & CompletionFlags.Data) != 0 &&
                _links.TryGetValue(WriteToken.Link(completion.Data), out RdmaPeerLink? target))
            {
                target.OnPayloadLanded(WriteToken.Sequence(completion.Data), completion.Status, failureText);
            }
            return; // a write for a link closed meanwhile: nobody waits for it
        }
        if (_links.TryGetValue(OperationContext.Link(completion.Context), out RdmaPeerLink? link))
        {
            link.OnCompletion(OperationContext.Kind(completion.Context), OperationContext.Index(completion.Context), in completion, failureText);
        }
    }
}
