using System.Text.Json.Nodes;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Relational;

/// <summary>A commit with its JSON serialised on the caller's thread, so a store's writer only binds.</summary>
/// <param name="Commit">The commit.</param>
/// <param name="Events">Its events.</param>
/// <param name="Outputs">Its block outputs in order, as stored JSON (a JSON null is the text null).</param>
/// <param name="Result">The job's result as stored JSON, or null when unchanged.</param>
public sealed record PreparedCommit(
    JobCommit Commit,
    PreparedEvent[] Events,
    (string BlockId, string Output)[] Outputs,
    string? Result)
{
    /// <summary>The job's sequence after the commit: its last event's, or the expected one when it has none.</summary>
    public long LastSequence => Events.Length == 0 ? Commit.ExpectedSequence : Events[^1].Event.Sequence;

    /// <summary>Serialises <paramref name="commit"/>, each JSON node once.</summary>
    public static PreparedCommit From(JobCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var events = PreparedEvent.FromAll(commit.Events);
        var outputs = new (string BlockId, string Output)[commit.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            // A JSON null output is a real checkpoint ("ran, produced null"), so it is stored as the text null.
            var output = commit.Outputs[i].Output;
            outputs[i] = (commit.Outputs[i].BlockId, SerialisedWithEvent(output, events) ?? StoredJson.Write(output));
        }
        var result = SerialisedWithEvent(commit.Result, events) ?? StoredJson.WriteOrNull(commit.Result);
        return new PreparedCommit(commit, events, outputs, result);
    }

    // The runner hands a block's output to its block_completed event and its checkpoint, and a job's result to its terminal
    // event and its record, as one node: serialise it once.
    private static string? SerialisedWithEvent(JsonNode? output, PreparedEvent[] events)
    {
        if (output is null)
        {
            return null;
        }
        foreach (var e in events)
        {
            if (ReferenceEquals(e.Event.Output, output))
            {
                return e.Output;
            }
        }
        return null;
    }
}
