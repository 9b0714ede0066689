using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Workflows.WebConsole.Components;
using Workflows.WebConsole.Internal;

namespace Workflows.WebConsole;

/// <summary>Adds the web console to a host and maps it at <c>/console/</c>.</summary>
public static class ConsoleExtensions
{
    /// <summary>Registers the console's components and its loopback client of the service's API.</summary>
    public static IServiceCollection AddWorkflowsConsole(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddSingleton<ConsoleEndpoints>();
        services.AddSingleton<ConsoleApi>();
        services.AddScoped<ConsoleSession>();
        return services;
    }

    /// <summary>
    /// Maps the console's pages, circuit hub and static files. They are open to anonymous requests: a page holds no
    /// data, and every data call the page makes goes through the API with the user's token.
    /// </summary>
    public static WebApplication MapWorkflowsConsole(this WebApplication app)
    {
        app.UseMiddleware<ConsoleSecurityHeaders>();
        app.UseAntiforgery();
        if (ConsoleAssets.FindManifest(app.Environment) is { } manifest)
        {
            app.MapStaticAssets(manifest).AllowAnonymous();
        }
        else
        {
            ConsoleLog.NoStaticAssets(app.Logger, app.Environment.ApplicationName);
        }

        app.MapRazorComponents<ConsoleApp>().AddInteractiveServerRenderMode().AllowAnonymous();
        return app;
    }
}
