using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Schedules;
using Workflows.Engine.Storage.InMemory;
using Workflows.Engine.Tests.Definitions;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Schedules;

/// <summary>Schedules declared in <c>app.yaml</c>: read and checked when the app loads, then kept in the store.</summary>
public sealed class AppScheduleTests : IDisposable
{
    private const string Flow = "name: Main\nlaunchVariables:\n  who: { type: string, required: true }\nblocks:\n  - { id: a, type: test-echo }\n";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly InMemoryStore _store = new();

    public void Dispose() => _temp.Dispose();

    private AppDefinition Load(string schedules)
    {
        _temp.Write("news/app.yaml", "id: news\n" + schedules);
        _temp.Write("news/main.flow", Flow);
        return AppLoader.LoadFolder(Path.Combine(_temp.Path, "news"), TestRegistry.Create());
    }

    private async Task ApplyAsync(string schedules)
    {
        _temp.Write("news/app.yaml", "id: news\n" + schedules);
        _temp.Write("news/main.flow", Flow);
        using var catalog = new AppCatalog(TestRegistry.Create(), _store,
            Options.Create(new AppCatalogOptions { AppsDir = _temp.Path, Watch = false }), NullLogger<AppCatalog>.Instance);
        await catalog.InitializeAsync(Ct);
        using var declarations = new ScheduleDeclarations(_store, catalog, _time, NullLogger<ScheduleDeclarations>.Instance);
        await declarations.ApplyAsync(Ct);
    }

    [Fact]
    public void LoadFolder_Schedules_ReadsEveryFieldAndDefaults()
    {
        var app = Load("""
            schedules:
              - id: morning
                cron: "0 7 * * 1-5"
                timeZone: Europe/Berlin
                variables: { who: team }
                overlap: CANCEL_OTHER
                catchupWindow: 5m
                paused: true
              - cron: "@hourly"
                variables: { who: all }
            """);

        Assert.Equal(2, app.Schedules.Count);
        var morning = app.Schedules[0];
        Assert.Equal(("morning", "main", "0 7 * * 1-5", "Europe/Berlin", ScheduleOverlap.CancelOther, TimeSpan.FromMinutes(5), true),
            (morning.Id, morning.Workflow, morning.Cron, morning.TimeZone, morning.Overlap, morning.CatchupWindow, morning.Paused));
        Assert.Equal("team", (string?)morning.Variables["who"]);
        var hourly = app.Schedules[1];
        Assert.Equal(("news-main", "UTC", ScheduleOverlap.Skip, TimeSpan.FromSeconds(60), false),
            (hourly.Id, hourly.TimeZone, hourly.Overlap, hourly.CatchupWindow, hourly.Paused));
    }

    [Theory]
    [InlineData("  - { cron: \"61 * * * *\", variables: { who: a } }", "schedules[0].cron")]
    [InlineData("  - { variables: { who: a } }", "schedules[0].cron")]
    [InlineData("  - { cron: \"@hourly\", every: 5m, variables: { who: a } }", "schedules[0].every: unknown field")]
    [InlineData("  - { cron: \"@hourly\", timeZone: Mars/Base, variables: { who: a } }", "schedules[0].timeZone")]
    [InlineData("  - { cron: \"@hourly\", overlap: SOMETIMES, variables: { who: a } }", "schedules[0].overlap")]
    [InlineData("  - { cron: \"@hourly\", catchupWindow: -5s, variables: { who: a } }", "schedules[0].catchupWindow")]
    [InlineData("  - { cron: \"@hourly\", workflow: nope, variables: { who: a } }", "schedules[0].workflow")]
    [InlineData("  - { cron: \"@hourly\" }", "schedules[0].variables")]
    [InlineData("  - { cron: \"@hourly\", variables: { who: a } }\n  - { cron: \"@daily\", variables: { who: b } }", "schedules[1].id")]
    public void LoadFolder_BadSchedule_RefusedNamingTheField(string schedules, string field)
    {
        var ex = Assert.Throws<DefinitionException>(() => Load("schedules:\n" + schedules + "\n"));

        Assert.Equal("news/app.yaml", ex.File);
        Assert.Contains(field, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_CreatesUpdatesAndDeletesDeclaredSchedules_LeavesApiOnes()
    {
        await _store.PutScheduleAsync(new ScheduleRecord
        {
            Id = "api-made", OrganizationId = "default", AppId = "news", Workflow = "main", Cron = "@daily",
            CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow(), TicksFrom = _time.GetUtcNow(),
        }, Ct);

        await ApplyAsync("schedules:\n  - { id: nightly, cron: \"0 2 * * *\", variables: { who: a } }\n");
        var created = await _store.GetScheduleAsync("default", "nightly", Ct);
        Assert.Equal(("app", "news", "0 2 * * *"), (created!.Source, created.AppId, created.Cron));

        _time.Advance(TimeSpan.FromMinutes(1));
        await ApplyAsync("schedules:\n  - { id: nightly, cron: \"0 3 * * *\", variables: { who: a } }\n");
        var updated = await _store.GetScheduleAsync("default", "nightly", Ct);
        Assert.Equal(("0 3 * * *", _time.GetUtcNow()), (updated!.Cron, updated.TicksFrom));

        await ApplyAsync("name: News\n");
        Assert.Null(await _store.GetScheduleAsync("default", "nightly", Ct));
        Assert.NotNull(await _store.GetScheduleAsync("default", "api-made", Ct));
    }
}
