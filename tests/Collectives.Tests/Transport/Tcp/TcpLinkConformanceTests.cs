using Collectives.Transport;

namespace Collectives.Tests.Transport.Tcp;

/// <summary>The link contract on the tcp transport: two endpoints in this process over loopback.</summary>
public sealed class TcpLinkConformanceTests : LinkConformanceTests, IAsyncDisposable
{
    private readonly List<TcpTestJob> _jobs = [];

    protected override async Task<(IPeerLink A, IPeerLink B)> CreatePairAsync()
    {
        TcpTestJob job = await TcpTestJob.StartAsync();
        _jobs.Add(job);
        return await job.ConnectAsync(0, 1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (TcpTestJob job in _jobs)
        {
            await job.DisposeAsync();
        }
    }
}
