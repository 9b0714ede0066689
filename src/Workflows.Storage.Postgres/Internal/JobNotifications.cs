using System.Globalization;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The wake-up every job write sends in its transaction: channel <see cref="Channel"/>, payload
/// <c>{job id, 32 hex digits}:{last sequence}</c>.
/// </summary>
internal static class JobNotifications
{
    public const string Channel = "workflows_jobs";

    public static string Format(Guid jobId, long lastSequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId:N}:{lastSequence}");

    /// <summary>Reads a payload; false for anything that is not one of ours.</summary>
    public static bool TryParse(string? payload, out Guid jobId, out long lastSequence)
    {
        jobId = default;
        lastSequence = 0;
        if (payload is null)
        {
            return false;
        }
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 &&
               Guid.TryParseExact(payload.AsSpan(0, colon), "N", out jobId) &&
               long.TryParse(payload.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out lastSequence);
    }
}
