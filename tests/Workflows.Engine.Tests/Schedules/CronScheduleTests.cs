using Workflows.Engine.Jobs;
using Workflows.Engine.Schedules;

namespace Workflows.Engine.Tests.Schedules;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("*/15 * * * *", "2026-01-02T03:15:00Z")]
    [InlineData("*/10 * * * * *", "2026-01-02T03:04:10Z")]
    [InlineData("@hourly", "2026-01-02T04:00:00Z")]
    [InlineData("@daily", "2026-01-03T00:00:00Z")]
    [InlineData("@every_second", "2026-01-02T03:04:06Z")]
    public void Parse_FiveSixFieldsAndNames_NextTick(string cron, string expected)
    {
        var schedule = CronSchedule.Parse(cron, null);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.Next(T0));
    }

    [Theory]
    [InlineData("61 * * * *")]
    [InlineData("* * *")]
    [InlineData("@sometimes")]
    [InlineData("")]
    public void Parse_BadCron_InvalidArgumentNamingCron(string cron)
    {
        var ex = Assert.Throws<EngineException>(() => CronSchedule.Parse(cron, "UTC"));

        Assert.Equal(EngineErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("cron", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTimeZone_InvalidArgumentNamingTimeZone()
    {
        var ex = Assert.Throws<EngineException>(() => CronSchedule.Parse("* * * * *", "Mars/Olympus_Mons"));

        Assert.Equal(EngineErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("time_zone", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_TimeZone_ReadsCronInThatZone()
    {
        var schedule = CronSchedule.Parse("0 9 * * *", "America/New_York");

        // 09:00 in New York in January is 14:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 14, 0, 0, TimeSpan.Zero), schedule.Next(T0));
    }

    [Fact]
    public void Next_SpringForwardGap_RunsOnceAtTheGapsEnd()
    {
        // Europe/Berlin skips 02:00-03:00 on 2026-03-29: the 02:30 tick runs at 03:00 CEST (01:00 UTC), once.
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var ticks = schedule.Next(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero), 2);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), ticks[0]);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), ticks[1]);
    }

    [Fact]
    public void Next_FallBackRepeat_RunsOnce()
    {
        // 02:30 happens twice in Europe/Berlin on 2026-10-25 (CEST, then CET): one tick, at the first.
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var ticks = schedule.Next(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero), 2);

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), ticks[0]);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), ticks[1]);
    }
}
