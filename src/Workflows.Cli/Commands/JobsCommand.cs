using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Workflows.Cli.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows jobs list|get|watch|cancel|results|rerun|signal</c>.</summary>
internal static class JobsCommand
{
    private static readonly string[] StateNames = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"];

    public static Command Create() => new("jobs", "Lists, reads, watches, cancels, reruns and signals jobs.")
    {
        List(), Get(), Watch(), Cancel(), Results(), Rerun(), Signal(),
    };

    /// <summary>A job state for people: running, succeeded …</summary>
    public static string StateName(JobState state) => state.ToString().ToLowerInvariant();

    private static Argument<string> JobId() => CommonOptions.RefuseOptionAsValue(new Argument<string>("job_id") { Description = "The job id" });

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "Only jobs in this state", HelpName = "STATE" };
        state.AcceptOnlyFromAmong(StateNames);
        var app = new Option<string?>("--app") { Description = "Only jobs of this app", HelpName = "APP" };
        var limit = new Option<int>("--limit") { Description = "Largest number of jobs (1 to 500)", HelpName = "N", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 500)
            {
                r.AddError("--limit must be between 1 and 500");
            }
        });
        var pageToken = new Option<string?>("--page-token") { Description = "The next page token a previous list printed", HelpName = "TOKEN" };
        var command = new Command("list", "The organisation's jobs, newest first.") { state, app, limit, pageToken };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var request = new ListJobsRequest
            {
                PageSize = parsed.GetValue(limit),
                PageToken = parsed.GetValue(pageToken) ?? "",
                AppId = parsed.GetValue(app) ?? "",
                State = parsed.GetValue(state) is { } s ? System.Enum.Parse<JobState>(s, ignoreCase: true) : JobState.Unspecified,
            };
            var response = await connection.Client.ListJobsAsync(request, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.Table(["ID", "APP", "WORKFLOW", "STATE", "CREATED"],
                response.Jobs.Select(j => new[] { j.Id, j.AppId, j.Workflow, StateName(j.State), Output.Show(j.CreateTime) }));
            if (!string.IsNullOrEmpty(response.NextPageToken))
            {
                output.Error.WriteLine($"more: --page-token {response.NextPageToken}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Get()
    {
        var id = JobId();
        var command = new Command("get", "One job.") { id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.GetJobAsync(new GetJobRequest { JobId = parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            ShowJob(output, response.Job, response);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Watch()
    {
        var id = JobId();
        var after = new Option<long>("--after") { Description = "Only events after this sequence (resume a watch)", HelpName = "SEQUENCE" };
        var command = new Command("watch", "Follows a job's events until it ends (NDJSON with -o json).\n"
            + "Exit code 0 when the job succeeded, 1 when it failed or was cancelled.") { id, after };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var progress = new JobProgress(output);
            var terminal = await progress.FollowAsync(connection.Client, parsed.GetRequiredValue(id), parsed.GetValue(after), cancellationToken);
            progress.ShowOutcome(terminal);
            return JobProgress.ExitCodeOf(terminal);
        });
        return command;
    }

    private static Command Cancel()
    {
        var id = JobId();
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the job_cancelled event", HelpName = "TEXT" };
        var command = new Command("cancel", "Asks a job to stop; prints its state afterwards (a finished job keeps its own).") { id, reason };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.CancelJobAsync(
                new CancelJobRequest { JobId = parsed.GetRequiredValue(id), Reason = parsed.GetValue(reason) ?? "" }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.Writer.WriteLine($"{response.Job.Id} {StateName(response.Job.State)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Results()
    {
        var id = JobId();
        var command = new Command("results", "A job's result, posts, files and cost.") { id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.GetJobResultsAsync(new GetJobResultsRequest { JobId = parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.Fields([("state", StateName(response.Job.State)), ("cost", response.BillingCost), ("error", response.Job.Error)]);
            foreach (var artifact in response.Artifacts)
            {
                output.Fields([("file", $"{artifact.FileName} ({artifact.MimeType}, {artifact.Size.ToString(CultureInfo.InvariantCulture)} bytes) {artifact.Url}")]);
            }

            if (response.Result is not null)
            {
                output.Writer.WriteLine(Output.Show(response.Result));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Rerun()
    {
        var id = JobId();
        var fromBlock = new Option<string?>("--from-block") { Description = "Run this block and those after it again; earlier ones keep their outputs", HelpName = "BLOCK" };
        var vars = RunCommand.VarOption();
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the new job until it ends (exit code as for run)" };
        var command = new Command("rerun", "Starts a new job of a job's app and workflow with its variables (overlaid by --var); prints the new job's id.")
        {
            id, fromBlock, vars, watch,
        };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.RerunJobAsync(new RerunJobRequest
            {
                JobId = parsed.GetRequiredValue(id),
                FromBlock = parsed.GetValue(fromBlock) ?? "",
                Variables = Variables.Parse(parsed.GetValue(vars)),
            }, cancellationToken: cancellationToken);
            if (!parsed.GetValue(watch))
            {
                if (output.Json)
                {
                    output.WriteJson(response);
                }
                else
                {
                    output.Writer.WriteLine(response.Job.Id);
                }

                return ExitCodes.Success;
            }

            var progress = new JobProgress(output);
            var terminal = await progress.FollowAsync(connection.Client, response.Job.Id, 0, cancellationToken);
            progress.ShowOutcome(terminal);
            return JobProgress.ExitCodeOf(terminal);
        });
        return command;
    }

    private static Command Signal()
    {
        var id = JobId();
        var name = CommonOptions.RefuseOptionAsValue(new Argument<string>("signal") { Description = "The signal's name, as the wait_for_signal block names it" });
        var vars = RunCommand.VarOption();
        vars.Description = "A payload field: name=text or name:=JSON (repeatable)";
        var data = new Option<string?>("--data") { Description = "The whole payload as a JSON object (--var fields are added to it)", HelpName = "JSON" };
        var key = new Option<string?>("--idempotency-key") { Description = "Sending again with the same key stores nothing new", HelpName = "KEY" };
        var command = new Command("signal", "Sends a signal (an approval, an answer) to a job waiting in a wait_for_signal block.\n"
            + "e.g.  workflows jobs signal JOB approval --var approved:=true --var note=ship")
        {
            id, name, vars, data, key,
        };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var payload = new Struct();
            if (parsed.GetValue(data) is { } json)
            {
                var value = Variables.ParseJson("--data", json);
                payload = value.KindCase == Value.KindOneofCase.StructValue
                    ? value.StructValue
                    : throw new CliException(ExitCodes.Usage, "--data must be a JSON object");
            }

            payload.MergeFrom(Variables.Parse(parsed.GetValue(vars)));
            var response = await connection.Client.SignalJobAsync(new SignalJobRequest
            {
                JobId = parsed.GetRequiredValue(id),
                Signal = parsed.GetRequiredValue(name),
                Payload = payload,
                IdempotencyKey = parsed.GetValue(key) ?? "",
            }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.Writer.WriteLine($"{response.Job.Id} {StateName(response.Job.State)}{(response.Duplicate ? " (duplicate: nothing new stored)" : "")}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Shows a job: JSON of <paramref name="message"/>, or its fields.</summary>
    public static void ShowJob(Output output, Job job, Google.Protobuf.IMessage message)
    {
        if (output.Json)
        {
            output.WriteJson(message);
            return;
        }

        output.Fields([
            ("id", job.Id),
            ("app", job.AppId),
            ("workflow", job.Workflow),
            ("state", StateName(job.State)),
            ("created", Output.Show(job.CreateTime)),
            ("started", Output.Show(job.StartTime)),
            ("finished", Output.Show(job.FinishTime)),
            ("variables", Output.Show(job.Variables)),
            ("error", job.Error),
            ("rerun of", job.RerunOf),
            ("parent", job.ParentJobId),
            ("schedule", job.ScheduleId),
            ("last event", job.LastSequence.ToString(CultureInfo.InvariantCulture)),
            ("result", Output.Show(job.Result)),
        ]);
    }
}
