using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>A commit with its JSON serialised on the caller's thread.</summary>
internal sealed record PreparedCommit(
    JobCommit Commit,
    string JobId,
    PreparedEvent[] Events,
    (string BlockId, string Output)[] Outputs,
    string? Result)
{
    public static PreparedCommit From(JobCommit commit)
    {
        var events = PreparedEvent.FromAll(commit.Events);
        var outputs = new (string BlockId, string Output)[commit.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            // A JSON null output is a real checkpoint ("ran, produced null"), so it is stored as the text null.
            var output = commit.Outputs[i].Output;
            outputs[i] = (commit.Outputs[i].BlockId, SerialisedWithEvent(output, events) ?? StoredJson.Write(output));
        }
        var result = SerialisedWithEvent(commit.Result, events) ?? StoredJson.WriteOrNull(commit.Result);
        return new PreparedCommit(commit, JobIds.ToText(commit.JobId), events, outputs, result);
    }

    // The runner hands a block's output to its block_completed event and its checkpoint, and a job's result to its terminal
    // event and its record, as one node: serialise it once.
    private static string? SerialisedWithEvent(System.Text.Json.Nodes.JsonNode? output, PreparedEvent[] events)
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
