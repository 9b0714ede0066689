namespace Workflows.WebConsole.Internal;

/// <summary>The console's URLs, built in one place (every view has its own).</summary>
internal static class ConsoleLinks
{
    public static string RunForm(string appId, string workflow) =>
        $"console/apps/{Uri.EscapeDataString(appId)}/workflows/{Uri.EscapeDataString(workflow)}/run";

    public static string Job(string jobId) => "console/jobs/" + Uri.EscapeDataString(jobId);

    public static string Jobs(string? state, string? appId, string? pageToken)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(state))
        {
            query.Add("state=" + Uri.EscapeDataString(state));
        }

        if (!string.IsNullOrEmpty(appId))
        {
            query.Add("app=" + Uri.EscapeDataString(appId));
        }

        if (!string.IsNullOrEmpty(pageToken))
        {
            query.Add("page=" + Uri.EscapeDataString(pageToken));
        }

        return query.Count == 0 ? "console/jobs" : "console/jobs?" + string.Join('&', query);
    }
}
