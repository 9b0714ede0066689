using Grpc.Core;
using Spectre.Console;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Client;

/// <summary>
/// Follows a job's event stream (WatchJob) and shows it: on a terminal, blocks as they start and finish with their
/// durations, the model's text as it streams, then the result; piped, the same as plain lines; with <c>-o json</c>,
/// one JSON event per line (NDJSON).
/// </summary>
public sealed class JobProgress(Output output)
{
    private bool _midText;

    /// <summary>Streams the job's events after <paramref name="afterSequence"/> and returns the terminal event (null
    /// when the stream ended without one).</summary>
    public async Task<JobEvent?> FollowAsync(WorkflowService.WorkflowServiceClient client, string jobId, long afterSequence, CancellationToken cancellationToken)
    {
        using var call = client.WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = afterSequence }, cancellationToken: cancellationToken);
        JobEvent? terminal = null;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            Show(response.Event);
            if (IsTerminal(response.Event.Type))
            {
                terminal = response.Event;
            }
        }

        EndText();
        return terminal;
    }

    /// <summary>The exit code for a job that ended with <paramref name="terminal"/>.</summary>
    public static int ExitCodeOf(JobEvent? terminal) => terminal?.Type == "job_succeeded" ? ExitCodes.Success : ExitCodes.Failed;

    /// <summary>True for job_succeeded, job_failed and job_cancelled.</summary>
    public static bool IsTerminal(string type) => type is "job_succeeded" or "job_failed" or "job_cancelled";

    /// <summary>Shows the end of the job: the result, or why it failed.</summary>
    public void ShowOutcome(JobEvent? terminal)
    {
        if (output.Json || terminal is null)
        {
            return;
        }

        switch (terminal.Type)
        {
            case "job_succeeded":
                output.Writer.WriteLine(Output.Show(terminal.Output));
                output.Writer.Flush();
                break;
            case "job_failed":
                output.Error.WriteLine($"error: the job failed: {terminal.Error}");
                break;
            default:
                output.Error.WriteLine($"error: the job was cancelled{(string.IsNullOrEmpty(terminal.Error) ? "" : ": " + terminal.Error)}");
                break;
        }
    }

    private void Show(JobEvent e)
    {
        if (output.Json)
        {
            output.WriteJson(e);
            return;
        }

        if (e.Type == "text_delta")
        {
            _midText = true;
            output.Stream(e.Text);
            return;
        }

        EndText();
        var block = Markup.Escape(e.BlockId);
        switch (e.Type)
        {
            case "job_queued":
                output.Line($"[grey]job {Markup.Escape(e.JobId)} queued[/]", $"job_queued {e.JobId}");
                break;
            case "job_started":
                output.Line("[grey]job started[/]", "job_started");
                break;
            case "block_started":
                output.Line($"[blue]▶[/] [bold]{block}[/] [grey]{Markup.Escape(e.BlockType)}[/]", $"block_started {e.BlockId} {e.BlockType}");
                break;
            case "block_completed":
                output.Line($"[green]✓[/] [bold]{block}[/] [grey]{Output.Show(e.Duration)}[/]", $"block_completed {e.BlockId} {Output.Show(e.Duration)}");
                break;
            case "block_failed":
                output.Line($"[red]✗[/] [bold]{block}[/] [red]{Markup.Escape(e.Error)}[/]", $"block_failed {e.BlockId} {e.Error}");
                break;
            case "block_skipped":
                output.Line($"[grey]- {block} skipped[/]", $"block_skipped {e.BlockId}");
                break;
            case "log":
                output.Line($"[grey]  {block}: {Markup.Escape(e.Text)}[/]", $"log {e.BlockId} {e.Text}");
                break;
            case "job_waiting":
                output.Line("[yellow]⏸ job waiting[/] [grey](a delay or a signal; `workflows jobs signal` answers one)[/]", "job_waiting");
                break;
            case "job_resumed":
                output.Line("[grey]job resumed[/]", "job_resumed");
                break;
            case "job_succeeded":
                output.Line($"[green]✓ job succeeded[/] [grey]{Output.Show(e.Duration)}[/]", $"job_succeeded {Output.Show(e.Duration)}");
                break;
            case "job_failed":
                output.Line($"[red]✗ job failed[/] [grey]{Output.Show(e.Duration)}[/]", $"job_failed {Output.Show(e.Duration)}");
                break;
            case "job_cancelled":
                output.Line("[yellow]job cancelled[/]", "job_cancelled");
                break;
            default:
                output.Line($"[grey]{Markup.Escape(e.Type)} {block}[/]", $"{e.Type} {e.BlockId}");
                break;
        }
    }

    private void EndText()
    {
        if (_midText)
        {
            _midText = false;
            output.Writer.WriteLine();
        }
    }
}
