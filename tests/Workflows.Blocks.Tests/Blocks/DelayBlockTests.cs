using System.Diagnostics;
using Workflows.Blocks;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class DelayBlockTests
{
    private static BlockTestFixture Fixture(string parameter, string value) =>
        new BlockTestFixture(TestBlockServices.Create<DelayBlock>(), "delay").WithParameter(parameter, value);

    [Fact]
    public async Task ExecuteAsync_Duration_WaitsThatLong()
    {
        var watch = Stopwatch.StartNew();

        var result = await Fixture("duration", "300ms").ExecuteAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(5));
        Assert.True(DateTimeOffset.TryParse(result.Output!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task ExecuteAsync_ResumedBlock_WaitsOnlyTheRest()
    {
        // Started 10 s ago (before a restart) with 10.3 s to wait: 0.3 s remain.
        var fixture = Fixture("duration", "10.3s");
        fixture.StartedAt = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(10);
        var watch = Stopwatch.StartNew();

        await fixture.ExecuteAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ExecuteAsync_ResumedAfterItWasDue_DoesNotWait()
    {
        var fixture = Fixture("duration", "PT5M");
        fixture.StartedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(6);
        var watch = Stopwatch.StartNew();

        await fixture.ExecuteAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ExecuteAsync_UntilInThePast_DoesNotWait()
    {
        var watch = Stopwatch.StartNew();

        await Fixture("until", "2001-01-01T00:00:00Z").ExecuteAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ExecuteAsync_Until_WaitsForIt()
    {
        var until = DateTimeOffset.UtcNow.AddMilliseconds(400).ToString("O");
        var watch = Stopwatch.StartNew();

        await Fixture("until", until).ExecuteAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ExecuteAsync_Cancelled_StopsWaiting()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fixture("duration", "1h").ExecuteAsync(cancellation.Token));
    }

    [Fact]
    public async Task ExecuteAsync_TemplateDuration_IsRendered()
    {
        var watch = Stopwatch.StartNew();

        await Fixture("duration", "{{$launchVariables->wait}}").WithLaunchVariable("wait", "50ms").ExecuteAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("500ms")]
    [InlineData("30s")]
    [InlineData("5m")]
    [InlineData("PT1H")]
    public void Validate_Durations_Pass(string duration) => Assert.Null(Fixture("duration", duration).ValidationError());

    [Fact]
    public void Validate_BadDuration_Refuses() =>
        Assert.StartsWith("block 'this': 'duration': 'soon' is not a duration", Fixture("duration", "soon").ValidationError(), StringComparison.Ordinal);

    [Fact]
    public void Validate_UntilWithoutOffset_Refuses() =>
        Assert.StartsWith("block 'this': 'until': '2030-01-01T09:00:00' is not an ISO 8601 time", Fixture("until", "2030-01-01T09:00:00").ValidationError(), StringComparison.Ordinal);

    [Fact]
    public void Validate_BothOrNeither_Refuses()
    {
        Assert.Equal(
            "block 'this': give exactly one of 'duration' or 'until'",
            Fixture("duration", "1s").WithParameter("until", "2030-01-01T09:00:00Z").ValidationError());
        Assert.Equal("block 'this': give exactly one of 'duration' or 'until'", new BlockTestFixture(TestBlockServices.Create<DelayBlock>()).ValidationError());
    }
}
