using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Collectives.Bootstrap;
using Collectives.Security;

namespace Collectives.Tests.Bootstrap;

/// <summary>What only the TCP store does: connect retries, strangers, authentication, a server that dies, rank 0 hosting.</summary>
public sealed class TcpStoreTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly JobCredentials Credentials = JobCredentials.Create("tcp-store-test", "right-secret");

    private static TcpStoreServer StartServer(ConcurrentQueue<string>? log = null, JobCredentials? credentials = null) =>
        TcpStoreServer.Start(new IPEndPoint(IPAddress.Loopback, 0), credentials ?? Credentials, m => log?.Enqueue(m));

    private static Task<TcpStoreClient> Connect(int port, int rank = 0, JobCredentials? credentials = null, TimeSpan? timeout = null) =>
        TcpStoreClient.ConnectAsync(RendezvousAddress.Tcp("127.0.0.1", port), credentials ?? Credentials, rank, timeout ?? Long);

    /// <summary>A port that was free a moment ago (from port 0), for a server that starts after its clients.</summary>
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    /// <summary>The server closed this connection: an end of stream, or a reset when it left our bytes unread.</summary>
    private static async Task AssertClosedByPeer(NetworkStream stream)
    {
        try
        {
            byte[] buffer = new byte[4096];
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Long) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ListensOnAnEphemeralPortAndSaysWhich()
    {
        await using TcpStoreServer server = StartServer();
        Assert.NotEqual(0, server.Port);
        Assert.Equal($"tcp://127.0.0.1:{server.Port}", server.Address);
    }

    [Fact]
    public async Task AClientStartedBeforeTheServerConnectsOnceItListens()
    {
        int port = FreePort();
        Task<TcpStoreClient> connecting = Connect(port, rank: 1);
        await Task.Delay(100);
        await using TcpStoreServer server = TcpStoreServer.Start(new IPEndPoint(IPAddress.Loopback, port), Credentials, _ => { });
        await using TcpStoreClient client = await connecting.WaitAsync(Long);
        await client.SetAsync("k", "v"u8.ToArray());
        Assert.Equal("v"u8.ToArray(), await client.GetAsync("k"));
    }

    [Fact]
    public async Task NoServerWithinTheDeadlineIsAnIOErrorNamingTheAddress()
    {
        int port = FreePort();
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => Connect(port, timeout: TimeSpan.FromMilliseconds(300)).WaitAsync(Long));
        Assert.IsAssignableFrom<IOException>(error);
        Assert.Contains($"tcp://127.0.0.1:{port}", error.Message);
        Assert.Equal($"tcp://127.0.0.1:{port}", error.StoreAddress);
    }

    [Fact]
    public async Task AClientWithTheWrongSecretGetsAnAuthenticationError()
    {
        var log = new ConcurrentQueue<string>();
        await using TcpStoreServer server = StartServer(log);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() =>
            Connect(server.Port, credentials: JobCredentials.Create("tcp-store-test", "wrong-secret")).WaitAsync(Long));
        Assert.Contains("The rendezvous store did not prove it knows this job's secret", error.Message);
        await Eventually(() => log.Any(m => m.Contains("refused a connection") && m.Contains("did not prove")));
        Assert.DoesNotContain(log, m => m.Contains("right-secret") || m.Contains("wrong-secret"));
    }

    [Fact]
    public async Task AClientOfAnotherJobGetsAnAuthenticationError()
    {
        await using TcpStoreServer server = StartServer();
        var error = await Assert.ThrowsAsync<AuthenticationException>(() =>
            Connect(server.Port, credentials: JobCredentials.Create("other-job", "right-secret")).WaitAsync(Long));
        Assert.Contains("WrongJob", error.Message);
    }

    [Fact]
    public async Task StrangersAreDroppedWhileLegitimateClientsKeepWorking()
    {
        var log = new ConcurrentQueue<string>();
        await using TcpStoreServer server = StartServer(log);
        await using TcpStoreClient before = await Connect(server.Port, rank: 0);
        await before.SetAsync("before", "1"u8.ToArray());

        // Stranger 1 sends garbage; stranger 2 says nothing and holds its connection; stranger 3 has the wrong secret.
        using var garbage = new TcpClient();
        await garbage.ConnectAsync(IPAddress.Loopback, server.Port);
        byte[] junk = new byte[4096];
        new Random(11).NextBytes(junk);
        await garbage.GetStream().WriteAsync(junk);
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, server.Port);
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            Connect(server.Port, rank: 7, credentials: JobCredentials.Create("tcp-store-test", "guess")).WaitAsync(Long));

        await using TcpStoreClient after = await Connect(server.Port, rank: 1);
        Assert.Equal("1"u8.ToArray(), await after.GetAsync("before"));
        Task<byte[]> parked = before.GetAsync("from-after");
        await after.SetAsync("from-after", "2"u8.ToArray());
        Assert.Equal("2"u8.ToArray(), await parked.WaitAsync(Long));

        await Eventually(() => log.Any(m => m.Contains("not a Collectives handshake")));
        await Eventually(() => log.Any(m => m.Contains("Endpoint 7 did not prove")));
        await AssertClosedByPeer(garbage.GetStream());
        Assert.Equal(2, server.ConnectedClients);
    }

    [Fact]
    public async Task AnAuthenticatedClientThatBreaksTheProtocolIsDroppedAlone()
    {
        var log = new ConcurrentQueue<string>();
        await using TcpStoreServer server = StartServer(log);
        await using TcpStoreClient good = await Connect(server.Port, rank: 0);

        using var rogue = new TcpClient();
        await rogue.ConnectAsync(IPAddress.Loopback, server.Port);
        NetworkStream stream = rogue.GetStream();
        await MutualAuthentication.DialAsync(stream, Credentials, HandshakePurpose.Store, 0, 0, 5, -1, 0, CancellationToken.None);
        byte[] header = new byte[StoreFrameHeader.Size];
        header[0] = 0xFF; header[1] = 0xFF; header[2] = 0xFF; header[3] = 0x7F; // a 2 GiB "set"
        header[4] = (byte)StoreOpcode.Set;
        await stream.WriteAsync(header);
        await AssertClosedByPeer(stream);
        await Eventually(() => log.Any(m => m.Contains("rank 5") && m.Contains("broke the store protocol") && m.Contains("over its cap")));

        await good.SetAsync("still", "fine"u8.ToArray());
        Assert.Equal("fine"u8.ToArray(), await good.GetAsync("still"));
    }

    [Fact]
    public async Task LinkHandshakesAreNotAdmittedToTheStore()
    {
        await using TcpStoreServer server = StartServer();
        using var link = new TcpClient();
        await link.ConnectAsync(IPAddress.Loopback, server.Port);
        var error = await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await MutualAuthentication.DialAsync(link.GetStream(), Credentials, HandshakePurpose.Link, 1, 0, 1, 2, 0, CancellationToken.None));
        Assert.Contains("Unexpected", error.Message);
    }

    [Fact]
    public async Task AClientWhoseServerDiesGetsAnIOErrorNamingTheStore()
    {
        TcpStoreServer server = StartServer();
        await using TcpStoreClient client = await Connect(server.Port);
        string address = $"tcp://127.0.0.1:{server.Port}";
        Task<byte[]> pending = client.GetAsync("never");
        await server.DisposeAsync();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => pending.WaitAsync(Long));
        Assert.IsAssignableFrom<IOException>(error);
        Assert.Contains(address, error.Message);
        var later = await Assert.ThrowsAsync<StoreUnavailableException>(() => client.SetAsync("k", "v"u8.ToArray()).WaitAsync(Long));
        Assert.Contains(address, later.Message);
    }

    [Fact]
    public async Task OneClientCanSetWhileItsOwnGetIsParked()
    {
        await using TcpStoreServer server = StartServer();
        await using TcpStoreClient client = await Connect(server.Port);
        Task<byte[]> parked = client.GetAsync("self");
        Task wait = client.WaitAsync(["self", "other"]);
        await client.SetAsync("self", "me"u8.ToArray());
        Assert.Equal("me"u8.ToArray(), await parked.WaitAsync(Long));
        await client.SetAsync("other", "x"u8.ToArray());
        await wait.WaitAsync(Long);
    }

    [Fact]
    public async Task AJobWithoutSecretSaysSoInTheLog()
    {
        var log = new ConcurrentQueue<string>();
        await using TcpStoreServer server = StartServer(log, JobCredentials.Create("open-job", null));
        Assert.Contains(log, m => m.Contains("job open-job runs without COLLECTIVES_SECRET: connections are checked for job id but not authenticated"));
        await using TcpStoreClient client = await Connect(server.Port, credentials: JobCredentials.Create("open-job", null));
        await client.SetAsync("k", "v"u8.ToArray());

        var quiet = new ConcurrentQueue<string>();
        await using TcpStoreServer secured = StartServer(quiet);
        Assert.DoesNotContain(quiet, m => m.Contains("without COLLECTIVES_SECRET"));
    }

    [Fact]
    public async Task RunAsyncServesUntilCancelled()
    {
        var log = new ConcurrentQueue<string>();
        int port = FreePort();
        using var stop = new CancellationTokenSource();
        Task run = TcpStoreServer.RunAsync(new IPEndPoint(IPAddress.Loopback, port), Credentials, m => log.Enqueue(m), stop.Token);
        await using (TcpStoreClient client = await Connect(port))
        {
            await client.SetAsync("k", "v"u8.ToArray());
            Assert.Equal("v"u8.ToArray(), await client.GetAsync("k"));
        }
        Assert.Contains(log, m => m.Contains($"listening on tcp://127.0.0.1:{port}"));
        await stop.CancelAsync();
        await run.WaitAsync(Long);
    }

    [Fact]
    public async Task RankZeroHostsTheStoreAndKeepsItUpUntilTheOthersLeave()
    {
        int port = FreePort();
        JobLaunchInfo Info(int rank) => JobEnvironment.Parse(new Dictionary<string, string>
        {
            ["COLLECTIVES_RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["COLLECTIVES_SIZE"] = "3",
            ["COLLECTIVES_RENDEZVOUS"] = $"tcp://127.0.0.1:{port}",
            ["COLLECTIVES_TIMEOUT"] = "30s",
        });
        var credentials = JobCredentials.Create(Info(0).JobId, "s");
        IRendezvousStore[] stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(r =>
            RendezvousStore.OpenAsync(Info(r), credentials, _ => { })));
        byte[][][] gathered = await Task.WhenAll(stores.Select((s, r) =>
            StoreExchange.AllGatherAsync(s, "host", r, 3, Encoding.UTF8.GetBytes($"rank{r}"))));
        foreach (byte[][] values in gathered)
        {
            Assert.Equal(["rank0", "rank1", "rank2"], values.Select(v => Encoding.UTF8.GetString(v)));
        }

        // Rank 0 closes first: its store must stay up for ranks 1 and 2 until they are done.
        Task closing = stores[0].DisposeAsync().AsTask();
        await stores[1].SetAsync("late", "still served"u8.ToArray());
        Assert.Equal("still served"u8.ToArray(), await stores[2].GetAsync("late"));
        Assert.False(closing.IsCompleted);
        await stores[1].DisposeAsync();
        await stores[2].DisposeAsync();
        await closing.WaitAsync(Long);
    }

    [Fact]
    public async Task RankZeroConnectsToAStandaloneStoreAlreadyOnTheAddress()
    {
        await using TcpStoreServer standalone = StartServer();
        JobLaunchInfo info = JobEnvironment.Parse(new Dictionary<string, string>
        {
            ["COLLECTIVES_RANK"] = "0",
            ["COLLECTIVES_SIZE"] = "2",
            ["COLLECTIVES_RENDEZVOUS"] = $"tcp://127.0.0.1:{standalone.Port}",
            ["COLLECTIVES_JOB_ID"] = "tcp-store-test",
        });
        await using IRendezvousStore store = await RendezvousStore.OpenAsync(info, Credentials, _ => { });
        Assert.IsType<TcpStoreClient>(store);
        await store.SetAsync("k", "v"u8.ToArray());
        Assert.Equal(1, standalone.ConnectedClients);
    }

    [Fact]
    public async Task AFileRendezvousOpensAFileStore()
    {
        string directory = Path.Combine(Path.GetTempPath(), "collectives-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            JobLaunchInfo info = JobEnvironment.Parse(new Dictionary<string, string>
            {
                ["COLLECTIVES_RANK"] = "0",
                ["COLLECTIVES_SIZE"] = "2",
                ["COLLECTIVES_RENDEZVOUS"] = "file://" + directory,
                ["COLLECTIVES_JOB_ID"] = "f",
            });
            await using IRendezvousStore store = await RendezvousStore.OpenAsync(info, JobCredentials.Create("f", null));
            FileStore file = Assert.IsType<FileStore>(store);
            Assert.Equal(directory, file.Directory);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
