using System.Globalization;
using System.Security.Cryptography;
using Collectives.Algorithms;
using Collectives.Buffers;
using Collectives.Operations;
using Collectives.Selection;
using Collectives.Topology;
using Collectives.Transport;
using Collectives.Transport.Circuits;
using Collectives.Transport.Faults;
using Collectives.Transport.InProcess;

namespace Collectives;

/// <summary>
/// A group of ranks that run collectives together; one instance per rank. Calls are async and
/// cancellation-aware, and every operation has a deadline (<see cref="CommunicatorOptions.Timeout"/>).
/// <para>
/// Rules every rank follows: make the same collective calls in the same order with the same
/// count, element type, op and root; run one collective at a time on a communicator (await it
/// before the next); point-to-point calls may overlap each other (one send per peer and one
/// receive per peer at a time) but not a collective. A rank that breaks a rule gets an
/// exception, and so do its peers, instead of a hang or wrong data. After any failure the
/// communicator is broken: every later call fails fast; create a new one on every rank.
/// </para>
/// </summary>
public sealed partial class Communicator : IAsyncDisposable
{
    private readonly IPeerLink?[] _links;
    // Channels 1..C−1: one more link to every peer each, for rings that run side by side.
    private readonly IPeerLink?[][] _extraChannels;
    private readonly int[] _endpoints;
    private readonly ILinkProvider _linkProvider;
    private readonly AlgorithmOverrides _overrides;
    private readonly ulong _id;
    private readonly uint _epoch;
    private readonly ScratchArena _scratch = new();
    private readonly OperationSlot _collectiveSlot;
    private readonly OperationSlot?[] _sendSlots;
    private readonly OperationSlot?[] _receiveSlots;
    private readonly object _reservationGate = new();
    private readonly IReadOnlyList<IAsyncDisposable> _owned;
    private readonly Func<int, string?> _transportOf;
    private readonly SelectionCache _selections;
    private readonly int _jobSize;
    private int _pointToPointInFlight;
    private bool _collectiveInFlight;
    private AbortReason? _broken;
    private int _disposed;

    /// <param name="jobSize">Ranks in the whole job: the nodes of emulated circuits, which <paramref name="endpoints"/> index.</param>
    private Communicator(int rank, int size, IPeerLink?[] links, ulong id, int[] endpoints, int jobSize, CommunicatorOptions options,
        AlgorithmOverrides overrides, ILinkProvider linkProvider, JobTopology topology, IReadOnlyList<IAsyncDisposable>? owned = null,
        Func<int, string?>? transportOf = null, IPeerLink?[][]? extraChannels = null)
    {
        _extraChannels = extraChannels ?? [];
        _jobSize = jobSize;
        Topology = topology;
        CostProfile profile = options.CostProfile ?? CostDefaults.Profile;
        _selections = new SelectionCache(topology, profile, overrides, options.ChunkBytes, 1 + _extraChannels.Length,
            CircuitModel(options, topology, profile, endpoints, jobSize));
        _owned = owned ?? [];
        _transportOf = transportOf ?? (_ => linkProvider.Name);
        Rank = rank;
        Size = size;
        _links = links;
        _id = id;
        _epoch = 0;
        _endpoints = endpoints;
        Options = options;
        _overrides = overrides;
        _linkProvider = linkProvider;
        _collectiveSlot = NewSlot(receiveSide: false);
        _sendSlots = new OperationSlot?[size];
        _receiveSlots = new OperationSlot?[size];
    }

    /// <summary>This rank's number, 0 ≤ Rank &lt; Size.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the communicator.</summary>
    public int Size { get; }

    /// <summary>
    /// Where every rank runs and how each pair is linked, the same on every rank: detected and
    /// gathered at connect time, or <see cref="CommunicatorOptions.Topology"/> when given.
    /// </summary>
    public JobTopology Topology { get; }

    /// <summary>The options every operation runs with.</summary>
    public CommunicatorOptions Options { get; }

    /// <summary>True once the communicator failed, was aborted or was disposed; later calls throw.</summary>
    public bool IsBroken => Volatile.Read(ref _broken) is not null;

    /// <summary>
    /// Creates <paramref name="size"/> connected ranks in this process over the in-process
    /// transport: for tests (yours and ours) and single-process runs. Run each rank's calls on
    /// its own task, since a rank's collective waits for the others.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1, or an option is out of range.</exception>
    public static Communicator[] CreateLocalGroup(int size, CommunicatorOptions? options = null)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A group needs at least one rank.");
        }
        return CreateLocalGroup(Enumerable.Repeat(options ?? CommunicatorOptions.Default, size).ToArray());
    }

    /// <summary>
    /// A local group whose ranks run with different options, as the processes of a real job
    /// may (one launched with another COLLECTIVES_ALGO, say); tests use it to check that such
    /// jobs fail clearly. With <paramref name="faults"/> every link injects them (fault tests).
    /// Circuits come from <paramref name="circuits"/> (tests give it their own clock), else from
    /// the options' <see cref="CommunicatorOptions.Circuits"/>, which every rank must give alike.
    /// </summary>
    internal static Communicator[] CreateLocalGroup(IReadOnlyList<CommunicatorOptions> optionsPerRank, FaultSpec? faults = null,
        CircuitEmulation? circuits = null)
    {
        int size = optionsPerRank.Count;
        AlgorithmOverrides[] overrides = optionsPerRank.Select(o => o.Validate()).ToArray();
        JobTopology[] topologies = optionsPerRank.Select(o => o.Topology ?? JobTopology.SingleHost(size)).ToArray();
        if (topologies.FirstOrDefault(t => t.Size != size) is { } wrong)
        {
            throw new ArgumentException($"CommunicatorOptions.Topology describes {wrong.Size} ranks but the group has {size}.", nameof(optionsPerRank));
        }
        ILinkProvider fabric = faults is null ? new InProcessFabric() : new LinkDecoratingProvider(new InProcessFabric(), (link, key) => FaultInjectingLink.Wrap(link, key, faults));
        if (optionsPerRank.Select(o => o.Circuits).Distinct().Count() > 1)
        {
            throw new ArgumentException("CommunicatorOptions.Circuits differs between ranks; every rank of a group emulates the same circuits.", nameof(optionsPerRank));
        }
        if (circuits is not null && optionsPerRank[0].Circuits is { } given && given != circuits.Spec)
        {
            throw new ArgumentException($"CommunicatorOptions.Circuits ({given}) differs from the circuit emulation's spec ({circuits.Spec}); give one of them.",
                nameof(circuits));
        }
        circuits ??= optionsPerRank[0].Circuits is { } spec ? new CircuitEmulation(spec, size) : null;
        if (circuits is not null)
        {
            fabric = new LinkDecoratingProvider(fabric, circuits.Wrap);
            // The communicator reports the circuits it runs under, and its selector prices them, whichever way they were given.
            optionsPerRank = optionsPerRank.Select(o => o with { Circuits = circuits.Spec }).ToArray();
        }
        ulong id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
        int[] endpoints = Enumerable.Range(0, size).ToArray();
        var group = new Communicator[size];
        for (int rank = 0; rank < size; rank++)
        {
            var channels = new IPeerLink?[optionsPerRank[rank].Channels][];
            for (int channel = 0; channel < channels.Length; channel++)
            {
                channels[channel] = new IPeerLink?[size];
                for (int peer = 0; peer < size; peer++)
                {
                    if (peer != rank)
                    {
                        // In-process links are made on the spot; the ValueTask is already complete.
                        channels[channel][peer] = fabric.ConnectAsync(new LinkKey(ChannelId(id, channel), rank, peer)).Result;
                    }
                }
            }
            group[rank] = new Communicator(rank, size, channels[0], id, endpoints, size, optionsPerRank[rank], overrides[rank], fabric, topologies[rank],
                extraChannels: channels[1..]);
        }
        return group;
    }

    /// <summary>
    /// Splits the communicator like MPI_Comm_split / ncclCommSplit: ranks passing the same
    /// <paramref name="color"/> form a new communicator, ordered by <paramref name="key"/> (ties
    /// by rank here). A negative color takes this rank out: it gets null. Collective: every rank
    /// must call it. The new communicator has its own links; the parent stays usable.
    /// </summary>
    public async ValueTask<Communicator?> SplitAsync(int color, int key, CancellationToken cancellationToken = default)
    {
        int[] mine = [color, key];
        int[] everyone = new int[2 * Size];
        long sequence = await ExchangeForSplitAsync(mine, everyone, cancellationToken).ConfigureAwait(false);
        if (color < 0)
        {
            return null;
        }
        var members = new List<(int Key, int Rank)>();
        for (int rank = 0; rank < Size; rank++)
        {
            if (everyone[2 * rank] == color)
            {
                members.Add((everyone[(2 * rank) + 1], rank));
            }
        }
        members.Sort();
        int childRank = members.FindIndex(m => m.Rank == Rank);
        ulong childId = Mix(Mix(_id, (ulong)sequence), (ulong)color);
        int[] endpoints = new int[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            endpoints[i] = _endpoints[members[i].Rank];
        }
        var channels = new IPeerLink?[1 + _extraChannels.Length][];
        for (int channel = 0; channel < channels.Length; channel++)
        {
            channels[channel] = new IPeerLink?[members.Count];
            for (int i = 0; i < members.Count; i++)
            {
                if (i != childRank)
                {
                    channels[channel][i] = await _linkProvider.ConnectAsync(
                        new LinkKey(ChannelId(childId, channel), _endpoints[Rank], endpoints[i]), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        Func<int, string?> parentTransport = _transportOf;
        int[] memberRanks = members.Select(m => m.Rank).ToArray();
        return new Communicator(childRank, members.Count, channels[0], childId, endpoints, _jobSize, Options, _overrides, _linkProvider,
            Topology.Subset(memberRanks), transportOf: peer => parentTransport(memberRanks[peer]), extraChannels: channels[1..]);
    }

    /// <summary>
    /// Tears the communicator down now, like ncclCommAbort: an operation in flight on this rank
    /// fails, and so do the peers' operations, naming this rank and <paramref name="reason"/>.
    /// </summary>
    public void Abort(string reason)
    {
        FailLinks(new AbortReason(AbortCode.Aborted, Rank, string.Create(CultureInfo.InvariantCulture,
            $"Rank {Rank} aborted the communicator: {reason}")));
    }

    /// <summary>
    /// Closes this rank's links. Peers still waiting on this rank fail with a
    /// <see cref="PeerLostException"/>; call it on every rank when the job is done.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        FailLinks(new AbortReason(AbortCode.Closed, Rank, string.Create(CultureInfo.InvariantCulture,
            $"Rank {Rank} closed its communicator.")));
        _collectiveSlot.Dispose();
        foreach (OperationSlot? slot in _sendSlots.Concat(_receiveSlots))
        {
            slot?.Dispose();
        }
        _scratch.Release();
        foreach (IPeerLink? link in _links.Concat(_extraChannels.SelectMany(links => links)))
        {
            if (link is not null)
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }
        }
        // Transports go last: this communicator started them (ConnectAsync); split children share them.
        foreach (IAsyncDisposable owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The circuit model the selector prices with under emulated circuits: for a communicator whose
    /// ranks are the circuit fabric's nodes in order (the job's own, or a split that keeps every
    /// rank in place). A split of some ranks runs its steps between nodes the model's schedules do
    /// not place, so it chooses by the cost model.
    /// </summary>
    private static CircuitCostModel? CircuitModel(CommunicatorOptions options, JobTopology topology, CostProfile profile, int[] endpoints, int jobSize)
    {
        if (options.Circuits is not { } spec || endpoints.Length != jobSize || endpoints.Where((endpoint, rank) => endpoint != rank).Any())
        {
            return null;
        }
        return new CircuitCostModel(spec.BuildFabric(jobSize), spec.Plan, $"{Bootstrap.EnvironmentVariables.Circuits}={spec}", topology, profile);
    }

    /// <summary>Marks the communicator broken (first reason wins) and aborts every link with the reason.</summary>
    private void FailLinks(AbortReason reason)
    {
        Interlocked.CompareExchange(ref _broken, reason, null);
        foreach (IPeerLink? link in _links.Concat(_extraChannels.SelectMany(links => links)))
        {
            link?.Abort(reason);
        }
    }

    private OperationSlot NewSlot(bool receiveSide)
    {
        CollectiveContext? context = null;
        context = new CollectiveContext(Rank, Size, _links, _id, _epoch, _scratch, Options.ChunkBytes,
            error => FailLinks(ReasonFor(error, context!.Describe())), receiveSide, _extraChannels)
        {
            Topology = Topology,
        };
        return new OperationSlot(context, FailLinks);
    }

    /// <summary>The id channel <paramref name="channel"/>'s links are made under: the communicator's own for channel 0.</summary>
    internal static ulong ChannelId(ulong communicatorId, int channel) =>
        channel == 0 ? communicatorId : Mix(communicatorId, 0xC4A7E1UL + (ulong)channel);

    /// <summary>SplitMix64's finaliser: spreads parent id, sequence and color over a fresh id.</summary>
    private static ulong Mix(ulong a, ulong b)
    {
        ulong z = a + 0x9E3779B97F4A7C15UL + (b * 0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
