using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Server.Files;

/// <summary>
/// Signs and checks download links that work without a token until they expire:
/// <c>/v1/files/{fid}?org=&lt;org&gt;&amp;expires=&lt;unix s&gt;&amp;sig=&lt;base64url HMAC-SHA256 of "org:fid:expires"&gt;</c>.
/// The HMAC key is derived from the token signing key (HKDF), so a link signature can never pass as a token
/// signature or the other way round, and rotating the signing key revokes every link.
/// </summary>
internal sealed class FileLinkSigner
{
    /// <summary>The longest lifetime a link may be minted with: 7 days.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    private static readonly byte[] Purpose = "workflows/v1 file download links"u8.ToArray();
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public FileLinkSigner(byte[] signingKey, TimeProvider time)
        : this(signingKey, time, Purpose)
    {
    }

    /// <summary>A signer for another kind of link (<paramref name="purpose"/> derives its own key, so no signature passes for both).</summary>
    public FileLinkSigner(byte[] signingKey, TimeProvider time, byte[] purpose)
    {
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, signingKey, 32, salt: [], info: purpose);
        _time = time;
    }

    /// <summary>The outcome of checking a link.</summary>
    public enum Check
    {
        Valid,
        Invalid,
        Expired,
    }

    /// <summary>The query string (with <c>?</c>) that makes <c>/v1/files/{fid}</c> a link valid until <paramref name="expiresAt"/>.</summary>
    public string CreateQuery(string organizationId, string fid, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        return $"?org={Uri.EscapeDataString(organizationId)}&expires={expires.ToString(CultureInfo.InvariantCulture)}&sig={Sign(organizationId, fid, expires)}";
    }

    /// <summary>Checks a link's parameters: a valid signature over exactly these values, and not expired.</summary>
    public Check Verify(string? organizationId, string fid, string? expires, string? signature)
    {
        if (string.IsNullOrEmpty(organizationId) || string.IsNullOrEmpty(signature)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return Check.Invalid;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(organizationId, fid, expiresAt));
        var given = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return Check.Invalid;
        }

        return _time.GetUtcNow().ToUnixTimeSeconds() >= expiresAt ? Check.Expired : Check.Valid;
    }

    private string Sign(string organizationId, string fid, long expires)
    {
        // The fid (hex) and expiry (digits) hold no ':', so the message cannot be re-split into other values.
        var message = Encoding.UTF8.GetBytes($"{organizationId}:{fid}:{expires.ToString(CultureInfo.InvariantCulture)}");
        return Base64Url.EncodeToString(HMACSHA256.HashData(_key, message));
    }
}
