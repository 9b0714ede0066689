using System.CommandLine;
using Workflows.Cli.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows schedules list|create|delete|trigger</c>.</summary>
internal static class SchedulesCommand
{
    public static Command Create() => new("schedules", "Lists, creates, deletes and triggers schedules (workflows started on a cron).")
    {
        List(), CreateSchedule(), Delete(), Trigger(),
    };

    private static Argument<string> ScheduleId() =>
        CommonOptions.RefuseOptionAsValue(new Argument<string>("schedule_id") { Description = "The schedule id" });

    private static Command List()
    {
        var app = new Option<string?>("--app") { Description = "Only schedules of this app", HelpName = "APP" };
        var command = new Command("list", "The organisation's schedules with their next run.") { app };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.ListSchedulesAsync(new ListSchedulesRequest { AppId = parsed.GetValue(app) ?? "" }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.Table(["ID", "APP", "WORKFLOW", "CRON", "TIME ZONE", "PAUSED", "NEXT RUN"], response.Schedules.Select(s => new[]
            {
                s.Id, s.AppId, s.Workflow, s.Cron, s.TimeZone, s.Paused ? "yes" : "no", s.NextRunTimes.Count > 0 ? Output.Show(s.NextRunTimes[0]) : "",
            }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateSchedule()
    {
        var app = CommonOptions.RefuseOptionAsValue(new Argument<string>("app") { Description = "The app to run" });
        var workflow = new Argument<string?>("workflow") { Description = "The workflow [default: main]", Arity = ArgumentArity.ZeroOrOne };
        var cron = new Option<string>("--cron") { Description = "5 fields, 6 with seconds, or @hourly …", HelpName = "CRON", Required = true };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone [default: UTC]", HelpName = "ZONE" };
        var overlap = new Option<string?>("--overlap") { Description = "What a tick does while the previous job still runs (see docs/schedules.md)", HelpName = "POLICY" };
        var paused = new Option<bool>("--paused") { Description = "Create it paused" };
        var vars = RunCommand.VarOption();
        var command = new Command("create", "Creates a schedule; prints its id.\n"
            + "e.g.  workflows schedules create blog --cron '0 7 * * 1-5' --time-zone Europe/Berlin --var topic=news")
        {
            app, workflow, cron, timeZone, overlap, paused, vars,
        };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.CreateScheduleAsync(new CreateScheduleRequest
            {
                Schedule = new Schedule
                {
                    AppId = parsed.GetRequiredValue(app),
                    Workflow = parsed.GetValue(workflow) ?? "",
                    Cron = parsed.GetRequiredValue(cron),
                    TimeZone = parsed.GetValue(timeZone) ?? "",
                    Overlap = parsed.GetValue(overlap) ?? "",
                    Paused = parsed.GetValue(paused),
                    Variables = Variables.Parse(parsed.GetValue(vars)),
                },
            }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.Writer.WriteLine(response.Schedule.Id);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete()
    {
        var id = ScheduleId();
        var command = new Command("delete", "Deletes a schedule; the jobs it started stay.") { id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.DeleteScheduleAsync(new DeleteScheduleRequest { ScheduleId = parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.Writer.WriteLine($"deleted {parsed.GetRequiredValue(id)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Trigger()
    {
        var id = ScheduleId();
        var command = new Command("trigger", "Starts one job of the schedule now; prints the job's id.") { id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.TriggerScheduleAsync(new TriggerScheduleRequest { ScheduleId = parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.Writer.WriteLine(response.Job.Id);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
