using Workflows.Engine.Blocks;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Definitions;

/// <summary>Builds <see cref="AppDefinition"/>s from an app folder or a stored app; all or nothing.</summary>
public static class AppLoader
{
    /// <summary>Loads <c>app.yaml</c> and every <c>NAME.flow</c> of a folder.</summary>
    public static AppDefinition LoadFolder(string directory, BlockRegistry blocks) => throw new NotImplementedException();

    /// <summary>Validates a stored (API) app.</summary>
    public static AppDefinition FromStored(StoredApp app, BlockRegistry blocks) => throw new NotImplementedException();
}
