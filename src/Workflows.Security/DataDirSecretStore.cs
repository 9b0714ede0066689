using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Workflows.Engine.Storage;

namespace Workflows.Security;

/// <summary>
/// Secrets as files under <c>DATA_DIR/keys/</c> (readable by the owner only): <c>signing.key</c> and
/// <c>webhooks/&lt;org&gt;</c>, one value per line (current, then previous and its end when rotated). Where the
/// in-memory store keeps its secrets (so they survive a restart), and where keys of older versions are imported from.
/// </summary>
public sealed partial class DataDirSecretStore(string dataDir) : ISecretStore
{
    private readonly Lock _lock = new();

    /// <summary>The folder the files are in.</summary>
    public string KeysDir { get; } = Path.Combine(dataDir, "keys");

    /// <inheritdoc />
    public Task<StoredSecret?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        Run(() => Read(name));

    /// <inheritdoc />
    public Task<StoredSecret> AddSecretAsync(StoredSecret secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        // Processes sharing the data dir may add at the same moment: the first file stays, and everyone uses it.
        return Run(() => Save(secret, overwrite: false) ? secret : Read(secret.Name)!);
    }

    /// <inheritdoc />
    public Task<StoredSecret> RotateSecretAsync(
        string name, string value, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken) =>
        Run(() =>
        {
            var next = Read(name) is { } current
                ? new StoredSecret(name, value, current.Value, previousValidUntil, now)
                : new StoredSecret(name, value, null, null, now);
            Save(next, overwrite: true);
            return next;
        });

    private Task<T> Run<T>(Func<T> work)
    {
        try
        {
            lock (_lock)
            {
                return Task.FromResult(work());
            }
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }

    private StoredSecret? Read(string name)
    {
        var path = PathFor(name);
        if (!File.Exists(path))
        {
            return null;
        }

        var lines = File.ReadAllLines(path);
        return new StoredSecret(
            name,
            lines[0].Trim(),
            lines.Length > 2 ? lines[1].Trim() : null,
            lines.Length > 2 ? DateTimeOffset.Parse(lines[2].Trim(), CultureInfo.InvariantCulture) : null,
            File.GetLastWriteTimeUtc(path));
    }

    // Writes a temp file and renames it into place, so a reader never sees half a file; false when the file exists and
    // overwriting was not asked for.
    private bool Save(StoredSecret secret, bool overwrite)
    {
        var path = PathFor(secret.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        var lines = secret.Previous is null || secret.PreviousValidUntil is null
            ? new[] { secret.Value }
            : [secret.Value, secret.Previous, secret.PreviousValidUntil.Value.ToString("O", CultureInfo.InvariantCulture)];
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

    private string PathFor(string name)
    {
        // Organisation ids come from tokens we signed, but a file name must never escape the folder.
        var org = name.StartsWith(SecretNames.WebhookPrefix, StringComparison.Ordinal) ? name[SecretNames.WebhookPrefix.Length..] : null;
        if (name != SecretNames.SigningKey && (org is null or "." or ".." || !SafeId().IsMatch(org)))
        {
            throw new ArgumentException($"'{name}' cannot name a secret file");
        }

        return Path.Combine(KeysDir, name);
    }

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,200}$")]
    private static partial Regex SafeId();
}
