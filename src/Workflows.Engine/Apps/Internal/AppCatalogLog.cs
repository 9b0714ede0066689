using Microsoft.Extensions.Logging;

namespace Workflows.Engine.Apps.Internal;

/// <summary>The catalog's log messages.</summary>
internal static partial class AppCatalogLog
{
    [LoggerMessage(1, LogLevel.Error, "App not loaded: {File}:{Line}: {Reason}")]
    public static partial void AppRefused(ILogger logger, string file, int line, string reason);

    [LoggerMessage(2, LogLevel.Error, "App change refused, keeping the previously loaded version of folder '{Folder}': {File}:{Line}: {Reason}")]
    public static partial void AppKeptPrevious(ILogger logger, string folder, string file, int line, string reason);

    [LoggerMessage(3, LogLevel.Error, "App '{AppId}' of organisation '{OrganizationId}' in folder '{Folder}' is already declared by folder '{FirstFolder}'; ignored")]
    public static partial void DuplicateFolderApp(ILogger logger, string appId, string organizationId, string folder, string firstFolder);

    [LoggerMessage(4, LogLevel.Warning, "API app '{AppId}' of organisation '{OrganizationId}' is hidden by the folder app of the same id")]
    public static partial void ApiAppHidden(ILogger logger, string appId, string organizationId);

    [LoggerMessage(5, LogLevel.Error, "Stored app '{AppId}' of organisation '{OrganizationId}' no longer validates: {File}:{Line}: {Reason}")]
    public static partial void StoredAppRefused(ILogger logger, string appId, string organizationId, string file, int line, string reason);

    [LoggerMessage(6, LogLevel.Information, "Apps loaded: {FolderCount} from '{AppsDir}', {ApiCount} from the API")]
    public static partial void AppsLoaded(ILogger logger, int folderCount, string appsDir, int apiCount);

    [LoggerMessage(7, LogLevel.Warning, "Apps folder '{AppsDir}' does not exist; no folder apps")]
    public static partial void AppsDirMissing(ILogger logger, string appsDir);

    [LoggerMessage(8, LogLevel.Error, "Reloading the apps folder failed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Cannot watch the apps folder '{AppsDir}'; changes need a restart")]
    public static partial void WatchFailed(ILogger logger, string appsDir, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Apps folder reloaded: {FolderCount} apps")]
    public static partial void AppsReloaded(ILogger logger, int folderCount);
}
