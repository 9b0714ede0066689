using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Workflows.Engine.Storage.InMemory.Internal;

/// <summary>
/// The opaque listing cursor, in the same format as the SQLite store's: base64url of "createdAtMs:jobId" of the last
/// job on the previous page.
/// </summary>
internal static class PageToken
{
    public static string Create(DateTimeOffset createdAt, Guid jobId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{createdAt.ToUnixTimeMilliseconds()}:{jobId:D}")));

    /// <summary>The cursor, or an <see cref="ArgumentException"/> naming <paramref name="parameterName"/> when the token is not one of ours.</summary>
    public static (DateTimeOffset CreatedAt, Guid JobId) Parse(string token, string parameterName)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 &&
                long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var createdAt) &&
                Guid.TryParseExact(text.AsSpan(colon + 1), "D", out var id) &&
                createdAt >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() &&
                createdAt <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                return (DateTimeOffset.FromUnixTimeMilliseconds(createdAt), id);
            }
        }
        catch (FormatException)
        {
            // Not base64url; reported below like any other malformed token.
        }
        throw new ArgumentException(
            "The page token is malformed; pass the next_page_token of a previous page unchanged, or none for the first page.",
            parameterName);
    }
}
