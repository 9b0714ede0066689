using System.Security.Cryptography;
using System.Text;

namespace Workflows.Security;

/// <summary>
/// The HS256 token signing key: taken from configuration when given, otherwise generated once into
/// <c>DATA_DIR/keys/signing.key</c> (readable by the owner only) and reused on every start.
/// </summary>
public static class SigningKeys
{
    /// <summary>Minimum key length in bytes (HS256 needs at least 256 bits).</summary>
    public const int MinimumLength = 32;

    /// <summary>The key file's path under a data dir.</summary>
    public static string KeyPath(string dataDir) => Path.Combine(dataDir, "keys", "signing.key");

    /// <summary>
    /// The configured key (base64, or plain text of at least 32 bytes), or the data dir's key, created if missing.
    /// </summary>
    public static byte[] LoadOrCreate(string dataDir, string? configuredKey)
    {
        if (!string.IsNullOrEmpty(configuredKey))
        {
            return Decode(configuredKey, "Workflows:Auth:SigningKey");
        }

        var path = KeyPath(dataDir);
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(64);
        // CreateNew: if another process won the race, use its key instead of overwriting it.
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }
    }

    private static byte[] Decode(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            key = Encoding.UTF8.GetBytes(text);
        }

        if (key.Length < MinimumLength)
        {
            throw new InvalidOperationException($"the signing key from {source} is shorter than {MinimumLength} bytes");
        }

        return key;
    }
}
