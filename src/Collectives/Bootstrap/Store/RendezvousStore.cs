using System.Net;
using System.Net.Sockets;
using Collectives.Security;

namespace Collectives.Bootstrap;

/// <summary>Opens the store a job's launch info points at, the same way on every rank.</summary>
public static class RendezvousStore
{
    /// <summary>
    /// A <see cref="FileStore"/> for a file address. For a TCP address, rank 0 first tries to
    /// serve the store itself on that address (binding only it); when the address is not this
    /// host's, or something already listens there (a standalone <c>collectives store</c>), it
    /// connects like every other rank. The store's deadline is the job's timeout.
    /// </summary>
    /// <remarks>
    /// Rank 0's store stays up while other ranks are connected: disposing it first closes rank 0's
    /// own client, then waits (up to the deadline) for the others to close theirs.
    /// </remarks>
    public static async Task<IRendezvousStore> OpenAsync(JobLaunchInfo info, JobCredentials credentials,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(credentials);
        TimeSpan timeout = info.Timeout ?? StoreTuning.DefaultTimeout;
        RendezvousAddress address = info.Rendezvous;
        if (address.Kind == RendezvousKind.File)
        {
            return new FileStore(address.Path!, timeout);
        }
        TcpStoreServer? server = info.Rank == 0 ? await TryServeAsync(address, credentials, log, cancellationToken).ConfigureAwait(false) : null;
        try
        {
            TcpStoreClient client = await TcpStoreClient.ConnectAsync(address, credentials, info.Rank, timeout, cancellationToken).ConfigureAwait(false);
            return server is null ? client : new HostedTcpStore(server, client);
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>The server on the address, or null when the address is not ours to bind or is taken.</summary>
    private static async Task<TcpStoreServer?> TryServeAsync(RendezvousAddress address, JobCredentials credentials,
        Action<string>? log, CancellationToken cancellationToken)
    {
        IPAddress[] candidates;
        try
        {
            candidates = IPAddress.TryParse(address.Host, out IPAddress? literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(address.Host!, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null; // no such name here: the clients' retries will report the address
        }
        foreach (IPAddress ip in candidates.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1))
        {
            try
            {
                return TcpStoreServer.Start(new IPEndPoint(ip, address.Port), credentials, log);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable)
            {
                // Taken (a standalone store, or another job) or not an address of this host: try the next, then connect.
            }
        }
        return null;
    }

    /// <summary>Rank 0's store: its own server, reached through a client like everyone else's.</summary>
    private sealed class HostedTcpStore(TcpStoreServer server, TcpStoreClient client) : IRendezvousStore
    {
        public string Address => client.Address;

        public TimeSpan Timeout => client.Timeout;

        public Task SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
            client.SetAsync(key, value, cancellationToken);

        public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => client.GetAsync(key, cancellationToken);

        public Task<long> AddAsync(string key, long delta, CancellationToken cancellationToken = default) =>
            client.AddAsync(key, delta, cancellationToken);

        public Task WaitAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => client.WaitAsync(keys, cancellationToken);

        public Task<bool> CheckAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
            client.CheckAsync(keys, cancellationToken);

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => client.DeleteAsync(key, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync().ConfigureAwait(false);
            await server.WaitForClientsToLeaveAsync(Timeout).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
