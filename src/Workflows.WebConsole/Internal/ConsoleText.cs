using Workflows.Contracts.V1;

namespace Workflows.WebConsole.Internal;

/// <summary>How the console names things: job states as the API's lowercase words.</summary>
internal static class ConsoleText
{
    public static readonly IReadOnlyList<JobState> States =
        [JobState.Queued, JobState.Running, JobState.Waiting, JobState.Succeeded, JobState.Failed, JobState.Cancelled];

    public static string State(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Waiting => "waiting",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => "unknown",
    };

    public static JobState? ParseState(string? name) => States.Cast<JobState?>().FirstOrDefault(s => State(s!.Value) == name);
}
