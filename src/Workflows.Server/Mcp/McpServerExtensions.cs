using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Workflows.Server.Hosting;

namespace Workflows.Server.Mcp;

/// <summary>
/// <c>/mcp</c>: apps as Model Context Protocol tools over Streamable HTTP. Stateless (no session id, nothing kept in
/// memory between requests), so any node answers any request; the bearer token authenticates every POST as on the
/// other APIs.
/// </summary>
internal static class McpServerExtensions
{
    /// <summary>Where the MCP endpoint listens (on the REST port).</summary>
    public const string Path = "/mcp";

    public static IServiceCollection AddWorkflowsMcp(this IServiceCollection services)
    {
        services.AddSingleton<ToolCatalog>();
        services.AddSingleton<ToolCalls>();
        services.AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = "workflows", Version = "1.0" };
                options.ServerInstructions = "Each tool runs one workflow of an app and answers with its result.";
            })
            .WithHttpTransport(http => http.Stateless = true)
            .WithListToolsHandler((context, cancellationToken) =>
                context.Services!.GetRequiredService<ToolCalls>().ListAsync(context, cancellationToken))
            .WithCallToolHandler((context, cancellationToken) =>
                context.Services!.GetRequiredService<ToolCalls>().CallAsync(context, cancellationToken));
        services.AddOptions<McpServerOptions>().Configure<IServiceProvider>((options, provider) =>
            options.Handlers.NotificationHandlers =
            [
                new(NotificationMethods.CancelledNotification, (notification, cancellationToken) =>
                    provider.GetRequiredService<ToolCalls>().OnCancelledAsync(notification, cancellationToken)),
            ]);
        return services;
    }

    public static IEndpointRouteBuilder MapWorkflowsMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireRateLimiting(RateLimits.Policy);
        return app;
    }
}
