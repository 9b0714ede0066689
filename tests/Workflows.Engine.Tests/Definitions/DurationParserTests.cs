using Workflows.Engine.Definitions;

namespace Workflows.Engine.Tests.Definitions;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData(" 10S ", 10_000)]
    [InlineData("0s", 0)]
    [InlineData("PT5M", 300_000)]
    [InlineData("PT0.25S", 250)]
    [InlineData("P1DT1H", 90_000_000)]
    public void TryParse_Valid_ReturnsDuration(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    [InlineData("1e3ms")]
    [InlineData("PT")]
    [InlineData("-PT5M")]
    [InlineData("P5X")]
    public void TryParse_Invalid_ReturnsFalse(string? text) =>
        Assert.False(DurationParser.TryParse(text, out _));
}
