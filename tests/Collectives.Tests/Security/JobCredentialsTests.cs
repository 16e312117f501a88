using Collectives.Security;

namespace Collectives.Tests.Security;

public sealed class JobCredentialsTests
{
    [Fact]
    public void SameJobAndSecretGiveTheSameKeyOnEveryRank()
    {
        var a = JobCredentials.Create("job", "s");
        var b = JobCredentials.Create("job", "s");
        Assert.Equal(a.JobHash, b.JobHash);
        Assert.Equal(a.Key, b.Key);
        Assert.True(a.IsAuthenticated);
    }

    [Fact]
    public void AnotherSecretOrJobGivesAnotherKey()
    {
        var a = JobCredentials.Create("job", "s");
        Assert.NotEqual(a.Key, JobCredentials.Create("job", "t").Key);
        Assert.NotEqual(a.Key, JobCredentials.Create("job2", "s").Key);
        Assert.NotEqual(a.JobHash, JobCredentials.Create("job2", "s").JobHash);
        Assert.Equal(a.JobHash, JobCredentials.Create("job", "t").JobHash); // the hash names the job, not the secret
    }

    [Fact]
    public void WithoutASecretTheJobIsNotAuthenticatedButStillKeyed()
    {
        var open = JobCredentials.Create("job", null);
        Assert.False(open.IsAuthenticated);
        Assert.False(JobCredentials.Create("job", "").IsAuthenticated);
        Assert.NotEqual(open.Key, JobCredentials.Create("job", "s").Key);
        Assert.Equal(32, open.Key.Length);
    }

    [Fact]
    public void RefusesAnEmptyJobId()
    {
        Assert.Throws<ArgumentException>(() => JobCredentials.Create("", "s"));
        Assert.Throws<ArgumentNullException>(() => JobCredentials.Create(null!, "s"));
    }
}
