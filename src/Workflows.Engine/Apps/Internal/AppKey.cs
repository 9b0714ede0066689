namespace Workflows.Engine.Apps.Internal;

/// <summary>An app's identity: ids are unique per organisation only.</summary>
internal readonly record struct AppKey(string OrganizationId, string AppId);
