using System.Net;
using Collectives.Bootstrap;

namespace Collectives.Tests.Bootstrap;

public sealed class HostIdentityTests
{
    [Fact]
    public void IsSixteenLowercaseHexCharactersAndStable()
    {
        string id = HostIdentity.Current();
        Assert.Equal(HostIdentity.Length, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c), $"'{c}' in {id}"));
        Assert.Equal(id, HostIdentity.Current());
        Assert.Equal(id, HostIdentity.Current(null));
        Assert.Equal(id, HostIdentity.Current("  "));
    }

    [Fact]
    public void HashesTheHostNameAndTheBootId()
    {
        string bootId = File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id") : "";
        Assert.Equal(HostIdentity.Compute(Dns.GetHostName(), bootId.Length == 0 ? null : bootId), HostIdentity.Current());
    }

    [Fact]
    public void AnotherHostNameOrBootIsAnotherHost()
    {
        // A network namespace with its own UTS namespace has its own host name: another host.
        string a = HostIdentity.Compute("node-a", "ff76bea9-dc83-454a-bf3b-8c135cbc7930");
        Assert.NotEqual(a, HostIdentity.Compute("node-b", "ff76bea9-dc83-454a-bf3b-8c135cbc7930"));
        Assert.NotEqual(a, HostIdentity.Compute("node-a", "0d1e7c3a-0000-4000-8000-000000000000"));
        Assert.NotEqual(a, HostIdentity.Compute("node-a", null));
        Assert.Equal(a, HostIdentity.Compute("node-a", "ff76bea9-dc83-454a-bf3b-8c135cbc7930\n"));
    }

    [Fact]
    public void TheOverrideWins()
    {
        Assert.Equal("rack1-node3", HostIdentity.Current("rack1-node3"));
        Assert.Equal("x", HostIdentity.Current(" x "));
    }
}
