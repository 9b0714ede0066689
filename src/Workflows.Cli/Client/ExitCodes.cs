namespace Workflows.Cli.Client;

/// <summary>The exit codes of SPEC "Command line": one meaning each, so scripts can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>Done; for <c>run</c> and <c>jobs watch</c>, the job succeeded.</summary>
    public const int Success = 0;

    /// <summary>The job failed or was cancelled, or the server refused a well-formed request (conflict, precondition).</summary>
    public const int Failed = 1;

    /// <summary>A command line that does not fit, or a request the server calls invalid (a bad variable, cron …).</summary>
    public const int Usage = 2;

    /// <summary>No token, a bad token, or a token without the permission.</summary>
    public const int Auth = 3;

    /// <summary>The job, app or schedule does not exist (or the token may not see it).</summary>
    public const int NotFound = 4;

    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 5;
}
