using System.CommandLine;
using Workflows.Cli.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows apps list|get|validate|push|delete</c>.</summary>
internal static class AppsCommand
{
    public static Command Create() => new("apps", "Lists, reads, checks, uploads and deletes apps.")
    {
        List(), Get(), Validate(), Push(), Delete(),
    };

    private static Argument<string> AppId() => CommonOptions.RefuseOptionAsValue(new Argument<string>("app_id") { Description = "The app id" });

    private static Argument<string> Folder() => CommonOptions.RefuseOptionAsValue(new Argument<string>("dir")
    {
        Description = "An app folder (app.yaml and NAME.flow files) or a folder of app folders",
    });

    private static Command List()
    {
        var command = new Command("list", "The organisation's apps.");
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.ListAppsAsync(new ListAppsRequest(), cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.Table(["ID", "NAME", "WORKFLOWS", "SOURCE"],
                response.Apps.Select(a => new[] { a.Id, a.Name, string.Join(", ", a.Workflows.Select(w => w.Id)), a.Source }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Get()
    {
        var id = AppId();
        var command = new Command("get", "One app: its workflows and their launch variables.") { id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.GetAppAsync(new GetAppRequest { AppId = parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            var app = response.App;
            output.Fields([("id", app.Id), ("name", app.Name), ("description", app.Description), ("source", app.Source)]);
            foreach (var workflow in app.Workflows)
            {
                output.Writer.WriteLine();
                output.Fields([("workflow", workflow.Id), ("title", workflow.Name), ("about", workflow.Description)]);
                output.Table(["VARIABLE", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"], workflow.LaunchVariables.Select(v => new[]
                {
                    v.Name, v.Type, v.Required ? "yes" : "no", Output.Show(v.DefaultValue), v.Description,
                }));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Validate()
    {
        var dir = Folder();
        var command = new Command("validate", "Checks app folders with the server's reader, offline; prints FILE:LINE:COL: message per problem.\n"
            + "Exit code 0 when every app is valid, 1 when a problem was found.") { dir };
        command.SetAction(parsed =>
        {
            var output = Output.For(parsed);
            var problems = new List<AppFolders.Problem>();
            var apps = AppFolders.Find(parsed.GetRequiredValue(dir));
            foreach (var app in apps)
            {
                AppFolders.Load(app, problems);
            }

            if (output.Json)
            {
                foreach (var problem in problems)
                {
                    output.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        file = problem.File, line = problem.Line, column = problem.Column, message = problem.Message,
                    }));
                }
            }
            else
            {
                problems.ForEach(p => output.Writer.WriteLine(p.ToString()));
                output.Error.WriteLine(problems.Count == 0
                    ? $"{apps.Count} app(s) valid"
                    : $"{problems.Count} problem(s) in {apps.Count} app(s)");
            }

            return problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Push()
    {
        var dir = Folder();
        var id = new Option<string?>("--id") { Description = "Store the app under this id [default: app.yaml's id, else the folder name]", HelpName = "ID" };
        var command = new Command("push", "Checks app folders like validate, then uploads each through the API (admin token).\n"
            + "Schedules and budgets in app.yaml are not sent (the API takes none); nothing is uploaded when a problem is found.") { dir, id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var problems = new List<AppFolders.Problem>();
            var folders = AppFolders.Find(parsed.GetRequiredValue(dir));
            if (parsed.GetValue(id) is not null && folders.Count > 1)
            {
                throw new CliException(ExitCodes.Usage, "--id names one app; the folder holds several");
            }

            var apps = folders.Select(f => AppFolders.Load(f, problems)).ToList();
            if (problems.Count > 0)
            {
                problems.ForEach(p => output.Error.WriteLine(p.ToString()));
                throw new CliException(ExitCodes.Failed, $"{problems.Count} problem(s); nothing was uploaded");
            }

            foreach (var app in apps)
            {
                var request = new PutAppRequest
                {
                    AppId = parsed.GetValue(id) ?? app!.Id,
                    Name = app!.Name,
                    Slug = app.Slug,
                    Description = app.Description,
                };
                foreach (var (name, workflow) in app.Workflows)
                {
                    request.Workflows[name] = workflow.Source;
                }

                if (app.Schedules.Count > 0 || app.Budget is not null)
                {
                    output.Error.WriteLine($"warning: {app.Id}: the schedules and budget of app.yaml are not sent (the API takes none)");
                }

                var response = await connection.Client.PutAppAsync(request, cancellationToken: cancellationToken);
                if (output.Json)
                {
                    output.WriteJson(response);
                }
                else
                {
                    output.Writer.WriteLine($"pushed {response.App.Id} ({string.Join(", ", response.App.Workflows.Select(w => w.Id))})");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete()
    {
        var id = AppId();
        var command = new Command("delete", "Deletes an app put through the API (admin token).") { id };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var response = await connection.Client.DeleteAppAsync(new DeleteAppRequest { AppId = parsed.GetRequiredValue(id) }, cancellationToken: cancellationToken);
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
}
