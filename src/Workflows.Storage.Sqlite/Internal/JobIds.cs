namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Job ids are stored as lowercase "D" text, which also orders ties in listings.</summary>
internal static class JobIds
{
    public static string ToText(Guid id) => id.ToString("D");

    public static Guid Parse(string text) => Guid.ParseExact(text, "D");
}
