using System.Net;
using System.Text;
using Collectives.Bootstrap;
using Collectives.Security;

namespace Collectives.Tests.Bootstrap;

/// <summary>One store shared by several ranks' handles, made fresh for each test.</summary>
public interface IStoreFixture : IAsyncDisposable
{
    /// <summary>A handle to the shared store as one rank would open it (a client, a directory, the object itself).</summary>
    Task<IRendezvousStore> OpenAsync(int rank);
}

/// <summary>
/// What every <see cref="IRendezvousStore"/> promises, written once and run against the TCP,
/// file and in-memory stores. Waits that must fail use short deadlines; nothing asserts on time.
/// </summary>
public abstract class StoreContractTests
{
    protected static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    protected abstract Task<IStoreFixture> StartAsync(TimeSpan timeout);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task SetThenGetReturnsTheValueToEveryRank()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore a = await fixture.OpenAsync(0);
        await using IRendezvousStore b = await fixture.OpenAsync(1);
        await a.SetAsync("addr/0", Bytes("hello"));
        Assert.Equal(Bytes("hello"), await b.GetAsync("addr/0"));
        Assert.Equal(Bytes("hello"), await a.GetAsync("addr/0"));
    }

    [Fact]
    public async Task EmptyValuesAndOverwritesWork()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore a = await fixture.OpenAsync(0);
        await a.SetAsync("k", ReadOnlyMemory<byte>.Empty);
        Assert.Empty(await a.GetAsync("k"));
        await a.SetAsync("k", Bytes("second"));
        Assert.Equal(Bytes("second"), await a.GetAsync("k"));
    }

    [Fact]
    public async Task LargeValuesAndUnicodeKeysRoundTrip()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore a = await fixture.OpenAsync(0);
        await using IRendezvousStore b = await fixture.OpenAsync(1);
        byte[] big = new byte[3 << 20];
        new Random(3).NextBytes(big);
        string key = "größe/データ/" + new string('k', 900);
        await a.SetAsync(key, big);
        Assert.Equal(big, await b.GetAsync(key));
    }

    [Fact]
    public async Task GetBeforeSetWaitsForTheSet()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore reader = await fixture.OpenAsync(0);
        await using IRendezvousStore writer = await fixture.OpenAsync(1);
        Task<byte[]> get = reader.GetAsync("late");
        await Task.Delay(50);
        Assert.False(get.IsCompleted);
        await writer.SetAsync("late", Bytes("now"));
        Assert.Equal(Bytes("now"), await get.WaitAsync(Long));
    }

    [Fact]
    public async Task AGetThatNeverSeesItsKeyFailsAtTheDeadlineNamingTheKey()
    {
        await using IStoreFixture fixture = await StartAsync(Short);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        var error = await Assert.ThrowsAsync<StoreTimeoutException>(() => store.GetAsync("never/3").WaitAsync(Long));
        Assert.Equal(["never/3"], error.MissingKeys);
        Assert.Contains("'never/3'", error.Message);
        Assert.Contains(store.Address, error.Message);
        Assert.IsAssignableFrom<TimeoutException>(error);
    }

    [Fact]
    public async Task WaitReturnsOnceEveryKeyExists()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore waiter = await fixture.OpenAsync(0);
        await using IRendezvousStore writer = await fixture.OpenAsync(1);
        Task wait = waiter.WaitAsync(["a", "b", "c"]);
        await writer.SetAsync("b", Bytes("2"));
        await writer.SetAsync("a", Bytes("1"));
        Assert.False(wait.IsCompletedSuccessfully); // "c" is still missing
        await writer.SetAsync("c", Bytes("3"));
        await wait.WaitAsync(Long);
        await waiter.WaitAsync([]);
    }

    [Fact]
    public async Task AWaitTimeoutNamesOnlyTheMissingKeys()
    {
        await using IStoreFixture fixture = await StartAsync(Short);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        await store.SetAsync("x/0", Bytes("here"));
        await store.SetAsync("x/2", Bytes("here"));
        var error = await Assert.ThrowsAsync<StoreTimeoutException>(() => store.WaitAsync(["x/0", "x/1", "x/2", "x/3"]).WaitAsync(Long));
        Assert.Equal(["x/1", "x/3"], error.MissingKeys);
        Assert.Contains("'x/1', 'x/3'", error.Message);
    }

    [Fact]
    public async Task AddCountsFromZeroAndReadsAsDecimalText()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        Assert.Equal(5, await store.AddAsync("count", 5));
        Assert.Equal(3, await store.AddAsync("count", -2));
        Assert.Equal(3, await store.AddAsync("count", 0));
        Assert.Equal(Bytes("3"), await store.GetAsync("count"));
        Assert.Equal(long.MinValue + 1, await store.AddAsync("low", long.MinValue + 1));
    }

    [Fact]
    public async Task AddIsAtomicAcrossManyConcurrentRanks()
    {
        const int Ranks = 8, AddsPerRank = 25;
        await using IStoreFixture fixture = await StartAsync(Long);
        IRendezvousStore[] stores = await Task.WhenAll(Enumerable.Range(0, Ranks).Select(fixture.OpenAsync));
        try
        {
            long[][] seen = await Task.WhenAll(stores.Select(s => Task.Run(async () =>
            {
                var mine = new long[AddsPerRank];
                for (int i = 0; i < AddsPerRank; i++)
                {
                    mine[i] = await s.AddAsync("ticket", 1);
                }
                return mine;
            })));
            long[] all = seen.SelectMany(x => x).Order().ToArray();
            Assert.Equal(Enumerable.Range(1, Ranks * AddsPerRank).Select(i => (long)i), all);
        }
        finally
        {
            foreach (IRendezvousStore s in stores)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AddToAValueThatIsNoCounterOrOverflowsIsRefused()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        await store.SetAsync("text", Bytes("not a number"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync("text", 1));
        Assert.Contains("'text'", error.Message);
        await store.AddAsync("big", long.MaxValue);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddAsync("big", 1));
        Assert.Equal(long.MaxValue, await store.AddAsync("big", 0));
    }

    [Fact]
    public async Task CheckSaysWhetherEveryKeyExistsWithoutWaiting()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        Assert.False(await store.CheckAsync(["c1"]));
        await store.SetAsync("c1", Bytes("1"));
        Assert.True(await store.CheckAsync(["c1"]));
        Assert.False(await store.CheckAsync(["c1", "c2"]));
        Assert.True(await store.CheckAsync([]));
    }

    [Fact]
    public async Task DeleteRemovesAKeyAndSaysWhetherItWasThere()
    {
        await using IStoreFixture fixture = await StartAsync(Short);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        await store.SetAsync("d", Bytes("1"));
        Assert.True(await store.DeleteAsync("d"));
        Assert.False(await store.DeleteAsync("d"));
        Assert.False(await store.CheckAsync(["d"]));
        await Assert.ThrowsAsync<StoreTimeoutException>(() => store.GetAsync("d").WaitAsync(Long));
        await store.SetAsync("d", Bytes("2"));
        Assert.Equal(Bytes("2"), await store.GetAsync("d"));
    }

    [Fact]
    public async Task ManyRanksExchangeManyKeys()
    {
        const int Ranks = 12, KeysPerRank = 10;
        await using IStoreFixture fixture = await StartAsync(Long);
        IRendezvousStore[] stores = await Task.WhenAll(Enumerable.Range(0, Ranks).Select(fixture.OpenAsync));
        try
        {
            await Task.WhenAll(stores.Select((s, rank) => Task.Run(async () =>
            {
                // Read every other rank's keys (mostly before they exist), then publish ours.
                Task<byte[]>[] reads = Enumerable.Range(0, Ranks).Where(r => r != rank)
                    .SelectMany(r => Enumerable.Range(0, KeysPerRank).Select(k => s.GetAsync($"m/{r}/{k}"))).ToArray();
                for (int k = 0; k < KeysPerRank; k++)
                {
                    await s.SetAsync($"m/{rank}/{k}", Bytes($"{rank}:{k}"));
                }
                byte[][] values = await Task.WhenAll(reads);
                int i = 0;
                foreach (int r in Enumerable.Range(0, Ranks).Where(r => r != rank))
                {
                    for (int k = 0; k < KeysPerRank; k++)
                    {
                        Assert.Equal($"{r}:{k}", Encoding.UTF8.GetString(values[i++]));
                    }
                }
            }))).WaitAsync(Long);
        }
        finally
        {
            foreach (IRendezvousStore s in stores)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ACancelledWaitEndsWithOperationCanceled()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        using var cancel = new CancellationTokenSource();
        Task<byte[]> get = store.GetAsync("never", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get.WaitAsync(Long));
        await store.SetAsync("after", Bytes("ok")); // the handle still works
        Assert.Equal(Bytes("ok"), await store.GetAsync("after"));
    }

    [Fact]
    public async Task BadKeysAndValuesAreCallerErrors()
    {
        await using IStoreFixture fixture = await StartAsync(Long);
        await using IRendezvousStore store = await fixture.OpenAsync(0);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAsync("", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAsync(new string('k', StoreTuning.MaxKeyBytes + 1), Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAsync(new string('é', StoreTuning.MaxKeyBytes / 2 + 1), Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("\ud800"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetAsync(null!, Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WaitAsync(["ok", ""]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAsync("big", new byte[StoreTuning.MaxValueBytes + 1]));
        await store.SetAsync(new string('k', StoreTuning.MaxKeyBytes), Bytes("longest key"));
    }
}

public sealed class TcpStoreContractTests : StoreContractTests
{
    protected override Task<IStoreFixture> StartAsync(TimeSpan timeout) => Task.FromResult<IStoreFixture>(new Fixture(timeout));

    private sealed class Fixture(TimeSpan timeout) : IStoreFixture
    {
        private readonly JobCredentials _credentials = JobCredentials.Create("store-contract", "s3cret");
        private readonly TcpStoreServer _server = TcpStoreServer.Start(new IPEndPoint(IPAddress.Loopback, 0),
            JobCredentials.Create("store-contract", "s3cret"), log: _ => { });

        public async Task<IRendezvousStore> OpenAsync(int rank) =>
            await TcpStoreClient.ConnectAsync(RendezvousAddress.Tcp("127.0.0.1", _server.Port), _credentials, rank, timeout);

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}

public sealed class FileStoreContractTests : StoreContractTests
{
    protected override Task<IStoreFixture> StartAsync(TimeSpan timeout) => Task.FromResult<IStoreFixture>(new Fixture(timeout));

    private sealed class Fixture(TimeSpan timeout) : IStoreFixture
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "collectives-test-" + Guid.NewGuid().ToString("N"));

        public Task<IRendezvousStore> OpenAsync(int rank) => Task.FromResult<IRendezvousStore>(new FileStore(_directory, timeout));

        public ValueTask DisposeAsync()
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class InMemoryStoreContractTests : StoreContractTests
{
    protected override Task<IStoreFixture> StartAsync(TimeSpan timeout) => Task.FromResult<IStoreFixture>(new Fixture(timeout));

    private sealed class Fixture(TimeSpan timeout) : IStoreFixture
    {
        private readonly InMemoryStore _store = new(timeout);

        public Task<IRendezvousStore> OpenAsync(int rank) => Task.FromResult<IRendezvousStore>(new Unowned(_store));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        /// <summary>Every rank's handle is the one store; disposing a handle leaves it to the others.</summary>
        private sealed class Unowned(IRendezvousStore inner) : IRendezvousStore
        {
            public string Address => inner.Address;
            public TimeSpan Timeout => inner.Timeout;
            public Task SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => inner.SetAsync(key, value, cancellationToken);
            public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);
            public Task<long> AddAsync(string key, long delta, CancellationToken cancellationToken = default) => inner.AddAsync(key, delta, cancellationToken);
            public Task WaitAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.WaitAsync(keys, cancellationToken);
            public Task<bool> CheckAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.CheckAsync(keys, cancellationToken);
            public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
