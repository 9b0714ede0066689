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
        var outputs = new (string BlockId, string Output)[commit.Outputs.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            // A JSON null output is a real checkpoint ("ran, produced null"), so it is stored as the text null.
            outputs[i] = (commit.Outputs[i].BlockId, StoredJson.Write(commit.Outputs[i].Output));
        }
        return new PreparedCommit(
            commit, JobIds.ToText(commit.JobId), PreparedEvent.FromAll(commit.Events), outputs, StoredJson.WriteOrNull(commit.Result));
    }
}
