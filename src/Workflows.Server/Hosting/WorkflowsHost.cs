namespace Workflows.Server.Hosting;

/// <summary>Builds the service; Program.cs and the in-process tests both start it through here.</summary>
public static class WorkflowsHost
{
    /// <summary>Builds the application; <paramref name="configure"/> may add configuration before services are registered.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddWorkflowsCore();
        builder.AddWorkflowsApi();

        var app = builder.Build();
        app.MapWorkflowsApi();
        return app;
    }
}
