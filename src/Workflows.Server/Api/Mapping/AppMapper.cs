using Workflows.Engine.Definitions;
using Proto = Workflows.Contracts.V1;

namespace Workflows.Server.Api.Mapping;

/// <summary>App definitions to their protobuf messages.</summary>
internal static class AppMapper
{
    public static Proto.App ToProto(AppDefinition app)
    {
        var message = new Proto.App
        {
            Id = app.Id,
            Name = app.Name,
            Slug = app.Slug,
            Description = app.Description,
            Source = app.Source,
        };
        foreach (var workflow in app.Workflows.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            message.Workflows.Add(ToProto(workflow));
        }

        return message;
    }

    public static Proto.WorkflowInfo ToProto(WorkflowDefinition workflow)
    {
        var info = new Proto.WorkflowInfo { Id = workflow.Name, Name = workflow.Title, Description = workflow.Description };
        foreach (var variable in workflow.LaunchVariables)
        {
            var launch = new Proto.LaunchVariable
            {
                Name = variable.Name,
                Type = variable.Type,
                Required = variable.Required,
                Description = variable.Description,
            };
            if (variable.Default is not null)
            {
                launch.DefaultValue = ProtoJson.ToValue(variable.Default);
            }

            info.LaunchVariables.Add(launch);
        }

        info.OutputVariables.AddRange(workflow.OutputVariables);
        return info;
    }
}
