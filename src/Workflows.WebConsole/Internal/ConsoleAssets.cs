using Microsoft.AspNetCore.Hosting;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// Finds the host's static web assets manifest (the console's stylesheet and the framework's blazor.web.js). It is
/// named after the application, but a host built by another entry assembly (a test runner's <c>testhost</c>) has a
/// different application name; then the manifest beside it that lists blazor.web.js is the host's.
/// </summary>
internal static class ConsoleAssets
{
    private const string Suffix = ".staticwebassets.endpoints.json";

    public static string? FindManifest(IWebHostEnvironment environment)
    {
        var named = Path.Combine(AppContext.BaseDirectory, environment.ApplicationName + Suffix);
        if (File.Exists(named))
        {
            return named;
        }

        return Directory.EnumerateFiles(AppContext.BaseDirectory, "*" + Suffix)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault(path => File.ReadAllText(path).Contains("_framework/blazor.web", StringComparison.Ordinal));
    }
}
