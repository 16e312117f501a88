using Collectives.Bootstrap;

namespace Collectives.Tests.Bootstrap;

public sealed class RendezvousAddressTests
{
    [Theory]
    [InlineData("tcp://10.0.0.1:29501", RendezvousKind.Tcp, "10.0.0.1", 29501, null, "tcp://10.0.0.1:29501")]
    [InlineData("TCP://node-3.cluster:1", RendezvousKind.Tcp, "node-3.cluster", 1, null, "tcp://node-3.cluster:1")]
    [InlineData("tcp://[fd00::1]:65535", RendezvousKind.Tcp, "fd00::1", 65535, null, "tcp://[fd00::1]:65535")]
    [InlineData("localhost:29500", RendezvousKind.Tcp, "localhost", 29500, null, "tcp://localhost:29500")]
    [InlineData(" file:///tmp/collectives-42 ", RendezvousKind.File, null, 0, "/tmp/collectives-42", "file:///tmp/collectives-42")]
    public void ParsesBothForms(string text, RendezvousKind kind, string? host, int port, string? path, string canonical)
    {
        RendezvousAddress address = RendezvousAddress.Parse(text);
        Assert.Equal(kind, address.Kind);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(path, address.Path);
        Assert.Equal(canonical, address.ToString());
        Assert.Equal(address, RendezvousAddress.Parse(address.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tcp://")]
    [InlineData("tcp://host")]
    [InlineData("tcp://host:")]
    [InlineData("tcp://:80")]
    [InlineData("tcp://host:0")]
    [InlineData("tcp://host:65536")]
    [InlineData("tcp://host:-1")]
    [InlineData("tcp://host:80/")]
    [InlineData("tcp://fd00::1:80")]
    [InlineData("tcp://[fd00::1:80")]
    [InlineData("http://host:80")]
    [InlineData("tcp://user@host:80")]
    [InlineData("file://relative/dir")]
    [InlineData("file://")]
    [InlineData("file:///")]
    public void RejectsEverythingElse(string text)
    {
        Assert.False(RendezvousAddress.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RendezvousAddress.Parse(text));
    }

    [Fact]
    public void FactoriesCheckTheirArguments()
    {
        Assert.Equal("tcp://[::1]:5", RendezvousAddress.Tcp("::1", 5).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => RendezvousAddress.Tcp("h", 0));
        Assert.Throws<ArgumentException>(() => RendezvousAddress.File("relative"));
        Assert.Equal("file:///a/b", RendezvousAddress.File("/a/b").ToString());
    }
}
