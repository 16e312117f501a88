using Collectives.Cli.Perf;

namespace Collectives.Tests.Cli;

public sealed class SizeParserTests
{
    [Theory]
    [InlineData("8", 8L)]
    [InlineData("1000", 1000L)]
    [InlineData("1K", 1024L)]
    [InlineData("64k", 65536L)]
    [InlineData("64KB", 65536L)]
    [InlineData("64KiB", 65536L)]
    [InlineData("32M", 32L << 20)]
    [InlineData("256m", 256L << 20)]
    [InlineData("1G", 1L << 30)]
    [InlineData("4G", 4L << 30)]
    [InlineData("12B", 12L)]
    [InlineData(" 2M ", 2L << 20)]
    public void ParsesBinarySuffixes(string text, long expected)
    {
        Assert.True(SizeParser.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("K")]
    [InlineData("-8")]
    [InlineData("+8")]
    [InlineData("1.5M")]
    [InlineData("8Q")]
    [InlineData("8T")]
    [InlineData("8iB")]
    [InlineData("1 M")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999999G")]
    public void RejectsWhatIsNotAByteCount(string text) => Assert.False(SizeParser.TryParse(text, out _));

    [Theory]
    [InlineData(8L, "8")]
    [InlineData(1000L, "1000")]
    [InlineData(65536L, "64K")]
    [InlineData(1536L << 10, "1536K")]
    [InlineData(32L << 20, "32M")]
    [InlineData(1L << 30, "1G")]
    public void FormatsExactMultiplesWithASuffix(long bytes, string expected) => Assert.Equal(expected, SizeParser.Format(bytes));
}
