using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Cli.Client;

/// <summary>
/// What <c>workflows login</c> saves: the server and the token, in one JSON file readable by its owner only
/// (<c>$WORKFLOWS_CONFIG</c>, else <c>$XDG_CONFIG_HOME/workflows/profile.json</c>, else <c>~/.config/workflows/profile.json</c>).
/// </summary>
public sealed record Profile(string? Server, string? Token)
{
    /// <summary>Names the profile file instead of the default place.</summary>
    public const string PathVariable = "WORKFLOWS_CONFIG";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The profile file's path.</summary>
    public static string FilePath()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
        {
            return Path.GetFullPath(explicitPath);
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "workflows", "profile.json");
    }

    /// <summary>The saved profile, or an empty one when there is no file.</summary>
    /// <exception cref="InvalidOperationException">The file exists but is not a profile.</exception>
    public static Profile Load()
    {
        var path = FilePath();
        if (!File.Exists(path))
        {
            return new Profile(null, null);
        }

        try
        {
            return JsonSerializer.Deserialize<Profile>(File.ReadAllText(path), JsonOptions) ?? new Profile(null, null);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"the profile {path} is not valid JSON ({e.Message}); run `workflows login` again", e);
        }
    }

    /// <summary>Writes the profile, creating its folder; on Unix the file is made readable by its owner only before
    /// the token is written into it.</summary>
    public void Save()
    {
        var path = FilePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, this, JsonOptions);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies to new files only; an older file keeps whatever mode it had.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
