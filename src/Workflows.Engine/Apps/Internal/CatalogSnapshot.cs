using System.Collections.Immutable;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Apps.Internal;

/// <summary>One immutable state of the catalog; replaced as a whole so readers never see a half-applied change.</summary>
internal sealed class CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new(
        ImmutableDictionary.Create<string, AppDefinition>(StringComparer.Ordinal),
        ImmutableDictionary<AppKey, AppDefinition>.Empty,
        ImmutableDictionary<AppKey, AppDefinition>.Empty);

    private static readonly ImmutableArray<AppDefinition> None = [];

    private readonly ImmutableDictionary<string, ImmutableArray<AppDefinition>> _byOrganization;

    public CatalogSnapshot(
        ImmutableDictionary<string, AppDefinition> foldersByName,
        ImmutableDictionary<AppKey, AppDefinition> folder,
        ImmutableDictionary<AppKey, AppDefinition> api)
    {
        FoldersByName = foldersByName;
        Folder = folder;
        Api = api;

        // A folder app hides an API app of the same id (the folder is what operators deploy).
        var visible = api.SetItems(folder);
        _byOrganization = visible.Values
            .GroupBy(a => a.OrganizationId, StringComparer.Ordinal)
            .ToImmutableDictionary(
                g => g.Key,
                g => g.OrderBy(a => a.Id, StringComparer.Ordinal).ToImmutableArray(),
                StringComparer.Ordinal);
    }

    /// <summary>Every folder app that loaded (now or, for a folder now broken, before), by folder name.</summary>
    public ImmutableDictionary<string, AppDefinition> FoldersByName { get; }

    /// <summary>Folder apps by identity, duplicates removed.</summary>
    public ImmutableDictionary<AppKey, AppDefinition> Folder { get; }

    /// <summary>Apps put through the API.</summary>
    public ImmutableDictionary<AppKey, AppDefinition> Api { get; }

    public AppDefinition? Get(AppKey key) =>
        Folder.TryGetValue(key, out var app) || Api.TryGetValue(key, out app) ? app : null;

    public IReadOnlyList<AppDefinition> List(string organizationId) =>
        _byOrganization.TryGetValue(organizationId, out var apps) ? apps : None;

    public IReadOnlyList<AppDefinition> All() => _byOrganization.Values.SelectMany(apps => apps).ToList();

    public CatalogSnapshot WithApi(ImmutableDictionary<AppKey, AppDefinition> api) => new(FoldersByName, Folder, api);

    public CatalogSnapshot WithFolders(ImmutableDictionary<string, AppDefinition> foldersByName, ImmutableDictionary<AppKey, AppDefinition> folder) =>
        new(foldersByName, folder, Api);
}
