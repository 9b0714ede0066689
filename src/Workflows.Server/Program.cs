using Microsoft.Extensions.Options;
using Workflows.Blocks;
using Workflows.WebConsole;
using Workflows.Engine;
using Workflows.Server.Api;
using Workflows.Server.Api.Agents;
using Workflows.Server.Auth;
using Workflows.Server.Delivery;
using Workflows.Server.Files;
using Workflows.Server.Hosting;
using Workflows.Server.Observability;
using Workflows.Server.Mcp;

namespace Workflows.Server;

/// <summary>The service: its settings, its parts, its request pipeline. The in-process tests build it here too.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            Build(args).Run();
            return 0;
        }
        catch (Exception ex) when (Settings.Refusals(ex) is { Count: > 0 } refusals)
        {
            Console.Error.WriteLine("The configuration is not usable:");
            refusals.ToList().ForEach(refusal => Console.Error.WriteLine("  " + refusal));
            return 2;
        }
    }

    /// <summary>Builds the service; <paramref name="configure"/> may add configuration and services first.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var settings = builder.AddWorkflowsSettings();
        builder.AddWorkflowsObservability();
        builder.Services
            .AddWorkflowsStorage(settings)
            .AddWorkflowEngine()
            .AddWorkflowBlocks()
            .AddWorkflowsSecurity(settings)
            .AddWorkflowsRateLimits()
            .AddWorkflowsFiles()
            // Background work first: hosted services start in order, and EngineStartup migrates the store that
            // the delivery services poll from their first moment.
            .AddBackgroundWork()
            .AddCallbackDelivery()
            .AddWorkflowsApi()
            .AddApiDescription()
            .AddWorkflowsConsole()
            .AddWorkflowsMcp()
            .AddSingleton<StepRunner>();

        var app = builder.Build();
        // Every setting is checked now, all at once, before a hosted service can trip over one of them.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        app.UseMiddleware<RecipeErrorMiddleware>();
        app.UseMiddleware<DeveloperErrorMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<JsonBodyValidationMiddleware>();
        app.MapGrpcService<WorkflowApi>().RequireRateLimiting(RateLimits.Policy);
        app.MapGrpcService<DeveloperApi>().RequireRateLimiting(RateLimits.Policy);
        app.MapGrpcService<RecipeApi>().RequireRateLimiting(RateLimits.Policy);
        app.MapFileEndpoints();
        app.MapApiDescription();
        app.MapWorkflowsMcp();
        app.MapAgentEndpoints();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapHealthChecks("/healthz", new() { Predicate = check => !check.Tags.Contains(ObservabilityExtensions.ReadyTag) }).AllowAnonymous();
        app.MapWorkflowsObservability();
        app.MapWorkflowsConsole();
        return app;
    }
}
