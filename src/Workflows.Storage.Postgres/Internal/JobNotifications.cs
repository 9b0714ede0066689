using System.Globalization;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The wake-up every job write sends in its transaction: channel <see cref="Channel"/>, payload
/// <c>{job id, 32 hex digits}:{last sequence}</c>. A write that stores a request for the job rather than events (a cancel
/// request, a signal that makes a waiting job due) adds <see cref="WakeSuffix"/>: the node running the job, or any node
/// that may claim it, should look at the store now instead of at its next poll.
/// </summary>
internal static class JobNotifications
{
    public const string Channel = "workflows_jobs";

    /// <summary>Marks a payload as a request to look at the job's stored requests and due time.</summary>
    public const string WakeSuffix = ":wake";

    public static string Format(Guid jobId, long lastSequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId:N}:{lastSequence}");

    /// <summary>The payload of a write that stored a request for the job (cancel, or a signal it waits for).</summary>
    public static string FormatWake(Guid jobId, long lastSequence) => Format(jobId, lastSequence) + WakeSuffix;

    /// <summary>Reads a payload; false for anything that is not one of ours.</summary>
    public static bool TryParse(string? payload, out Guid jobId, out long lastSequence) =>
        TryParse(payload, out jobId, out lastSequence, out _);

    /// <summary>Reads a payload and whether it asks for a wake-up; false for anything that is not one of ours.</summary>
    public static bool TryParse(string? payload, out Guid jobId, out long lastSequence, out bool wake)
    {
        jobId = default;
        lastSequence = 0;
        wake = false;
        if (payload is null)
        {
            return false;
        }
        var body = payload.AsSpan();
        if (body.EndsWith(WakeSuffix, StringComparison.Ordinal))
        {
            wake = true;
            body = body[..^WakeSuffix.Length];
        }
        var colon = body.IndexOf(':');
        return colon > 0 &&
               Guid.TryParseExact(body[..colon], "N", out jobId) &&
               long.TryParse(body[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out lastSequence);
    }
}
