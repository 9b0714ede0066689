using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.WebConsole.Internal;

namespace Workflows.WebConsole.Tests;

/// <summary>The run view's model, fed the events a watch stream carries, including a replay after a reconnect.</summary>
public sealed class RunTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Apply_ReplayAfterReconnect_IgnoresEventsAlreadySeen()
    {
        var timeline = new RunTimeline();
        var events = Run();
        foreach (var ev in events.Take(4))
        {
            timeline.Apply(ev);
        }

        // The stream dropped after event 4; a watch that resumes with afterSequence=4 sends 5.., a careless one all again.
        Assert.Equal(4, timeline.LastSequence);
        foreach (var ev in events)
        {
            timeline.Apply(ev);
        }

        Assert.Equal("Hello, world", timeline.Blocks.Single(b => b.Id == "draft").Text.ToString());
        Assert.Equal(12, timeline.InputTokens);
        Assert.Equal(5, timeline.OutputTokens);
        Assert.Equal(0.0021m, timeline.Cost);
        Assert.Equal("job_succeeded", timeline.TerminalEvent);
        Assert.Equal("Hello, world", timeline.Result!.StringValue);
    }

    [Fact]
    public void Bar_BlocksOnTheRunsTimeAxis_StartAndWidthInPercent()
    {
        var timeline = new RunTimeline();
        foreach (var ev in Run())
        {
            timeline.Apply(ev);
        }

        var draft = timeline.Blocks.Single(b => b.Id == "draft");
        var (left, width) = timeline.Bar(draft, T0.AddHours(1));
        // The run spans 0..1000 ms; draft runs 100..900 ms.
        Assert.Equal(10, left, 3);
        Assert.Equal(80, width, 3);
        Assert.Equal(TimeSpan.FromMilliseconds(800), draft.Duration);
    }

    [Fact]
    public void Apply_WaitingThenResumed_ShowsTheWaitOnlyWhileItLasts()
    {
        var timeline = new RunTimeline();
        timeline.Apply(Event(1, "job_started", 0));
        timeline.Apply(Event(2, "block_started", 10, "approval"));
        var data = new Struct();
        data.Fields["blockId"] = Value.ForString("approval");
        data.Fields["reason"] = Value.ForString("signal");
        data.Fields["signal"] = Value.ForString("approval");
        var waiting = Event(3, "job_waiting", 20);
        waiting.Data = data;
        timeline.Apply(waiting);
        Assert.Equal("waiting", timeline.Blocks.Single().State);
        Assert.NotNull(timeline.Waiting);

        timeline.Apply(Event(4, "job_resumed", 5000));
        Assert.Null(timeline.Waiting);
    }

    private static List<JobEvent> Run()
    {
        var completed = Event(6, "block_completed", 900, "draft");
        completed.Duration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(800));
        completed.Data = Struct.Parser.ParseJson("""{"usage":{"inputTokens":12,"outputTokens":5,"totalTokens":17},"billingCost":"0.0021"}""");
        var succeeded = Event(7, "job_succeeded", 1000);
        succeeded.Output = Value.ForString("Hello, world");
        return
        [
            Event(1, "job_started", 0),
            Event(2, "block_started", 100, "draft"),
            Delta(3, "Hello"),
            Delta(4, ", "),
            Delta(5, "world"),
            completed,
            succeeded,
        ];
    }

    private static JobEvent Delta(long sequence, string text)
    {
        var ev = Event(sequence, "text_delta", 100 + ((int)sequence * 10), "draft");
        ev.Text = text;
        return ev;
    }

    private static JobEvent Event(long sequence, string type, int ms, string block = "") => new()
    {
        Sequence = sequence,
        JobId = "job",
        Type = type,
        BlockId = block,
        BlockType = block.Length == 0 ? "" : "generate_text",
        Time = Timestamp.FromDateTimeOffset(T0.AddMilliseconds(ms)),
    };
}
