using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

/// <summary>Field-by-field comparisons for records that hold JSON nodes (which compare by reference).</summary>
public static class StoreAssert
{
    /// <summary>Asserts two JSON values are equal by content.</summary>
    public static void JsonEqual(JsonNode? expected, JsonNode? actual)
    {
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"Expected JSON {expected?.ToJsonString() ?? "null"} but got {actual?.ToJsonString() ?? "null"}.");
    }

    /// <summary>Asserts every field of a job.</summary>
    public static void JobEqual(JobRecord expected, JobRecord? actual)
    {
        Assert.NotNull(actual);
        JsonEqual(expected.Variables, actual.Variables);
        JsonEqual(expected.Result, actual.Result);
        Assert.Equal(expected with { Variables = actual.Variables, Result = actual.Result }, actual);
    }

    /// <summary>Asserts every field of events, in order.</summary>
    public static void EventsEqual(IReadOnlyList<JobEvent> expected, IReadOnlyList<JobEvent> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            JsonEqual(expected[i].Output, actual[i].Output);
            JsonEqual(expected[i].Data, actual[i].Data);
            Assert.Equal(expected[i] with { Output = actual[i].Output, Data = actual[i].Data }, actual[i]);
        }
    }

    /// <summary>Asserts the ids, in order.</summary>
    public static void IdsEqual(IEnumerable<Guid> expected, IEnumerable<JobRecord> actual) =>
        Assert.Equal(expected, actual.Select(job => job.Id));

    /// <summary>Asserts an outbox message matches what was committed, apart from the store-assigned id.</summary>
    public static void MessageEqual(OutboxMessage expected, OutboxMessage actual) =>
        Assert.Equal(expected with { Id = actual.Id }, actual);
}
