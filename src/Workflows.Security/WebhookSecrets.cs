using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Workflows.Security;

/// <summary>
/// Per-organisation webhook signing secrets in the Standard Webhooks form (<c>whsec_</c> + base64), kept under
/// <c>DATA_DIR/keys/webhooks/</c> and created on first use. Rotating keeps the previous secret valid for an
/// overlap period, during which deliveries carry a signature for each.
/// </summary>
public sealed partial class WebhookSecrets(string dataDir, TimeProvider time)
{
    /// <summary>The prefix of a Standard Webhooks secret.</summary>
    public const string Prefix = "whsec_";

    private readonly Lock _lock = new();

    /// <summary>The organisation's current secret, created if it has none.</summary>
    public string Current(string organizationId) => Load(organizationId).Current;

    /// <summary>The keys to sign with now: the current one, and the previous one while its overlap lasts.</summary>
    public IReadOnlyList<byte[]> SigningKeys(string organizationId)
    {
        var state = Load(organizationId);
        var keys = new List<byte[]> { Decode(state.Current) };
        if (state.Previous is not null && state.PreviousValidUntil > time.GetUtcNow())
        {
            keys.Add(Decode(state.Previous));
        }

        return keys;
    }

    /// <summary>Makes a new current secret; the old one stays valid for <paramref name="overlap"/>. Returns the new secret.</summary>
    public string Rotate(string organizationId, TimeSpan overlap)
    {
        lock (_lock)
        {
            var state = Load(organizationId);
            var next = new State(NewSecret(), state.Current, time.GetUtcNow() + overlap);
            Save(organizationId, next, overwrite: true);
            return next.Current;
        }
    }

    /// <summary>The raw key bytes of a <c>whsec_</c> secret.</summary>
    public static byte[] Decode(string secret) =>
        Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);

    private State Load(string organizationId)
    {
        lock (_lock)
        {
            var path = PathFor(organizationId);
            if (File.Exists(path))
            {
                var lines = File.ReadAllLines(path);
                return new State(
                    lines[0].Trim(),
                    lines.Length > 2 ? lines[1].Trim() : null,
                    lines.Length > 2 ? DateTimeOffset.Parse(lines[2].Trim(), CultureInfo.InvariantCulture) : null);
            }

            // Nodes sharing the data dir may create it at the same moment: the first file stays, and everyone uses it.
            var state = new State(NewSecret(), null, null);
            return Save(organizationId, state, overwrite: false) ? state : Load(organizationId);
        }
    }

    // Writes a temp file and renames it into place, so a reader never sees half a file; false when the file exists and
    // overwriting was not asked for.
    private bool Save(string organizationId, State state, bool overwrite)
    {
        var path = PathFor(organizationId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        var lines = state.Previous is null
            ? new[] { state.Current }
            : [state.Current, state.Previous, state.PreviousValidUntil!.Value.ToString("O", CultureInfo.InvariantCulture)];
        File.WriteAllLines(temp, lines);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            File.Delete(temp);
            return false;
        }
    }

    private string PathFor(string organizationId)
    {
        // Organisation ids come from tokens we signed, but the file name must never escape the folder.
        if (!SafeId().IsMatch(organizationId))
        {
            throw new ArgumentException($"organisation id '{organizationId}' cannot name a secret file");
        }

        return Path.Combine(dataDir, "keys", "webhooks", organizationId);
    }

    private static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,200}$")]
    private static partial Regex SafeId();

    private sealed record State(string Current, string? Previous, DateTimeOffset? PreviousValidUntil);
}
