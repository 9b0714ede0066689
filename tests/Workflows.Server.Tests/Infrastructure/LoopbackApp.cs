using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>A bare ASP.NET Core app on a loopback URL, for the receivers tests stand up beside the server.</summary>
public static class LoopbackApp
{
    /// <summary>An app listening on <paramref name="url"/>, with no configuration files and no logging.</summary>
    public static WebApplication Create(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The server's appsettings.json sits in the test output too; its Kestrel endpoints would win over UseUrls.
        // An empty in-memory source replaces them, and holds what UseUrls writes.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
