using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Workflows.Storage.Relational;

/// <summary>Where the next page of a job listing starts: after this job, in (created_at, id) descending order.</summary>
/// <param name="CreatedAt">The last listed job's creation time, whole milliseconds.</param>
/// <param name="JobId">The last listed job's id.</param>
public readonly record struct PageCursor(DateTimeOffset CreatedAt, Guid JobId);

/// <summary>
/// The opaque listing cursor: base64url of "createdAtMs:jobId" of the last job on the previous page. Every store writes
/// the same text, so a token means the same thing whichever store made it.
/// </summary>
public static class PageToken
{
    private const string Malformed =
        "The page token is malformed; pass the next_page_token of a previous page unchanged, or none for the first page.";

    private static readonly long MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The token of the page after the job created at <paramref name="createdAt"/> with id <paramref name="jobId"/>.</summary>
    public static string Create(DateTimeOffset createdAt, Guid jobId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{createdAt.ToUnixTimeMilliseconds()}:{jobId:D}")));

    /// <summary>The cursor, or an <see cref="ArgumentException"/> naming <paramref name="parameterName"/> when the token is not one of ours.</summary>
    public static PageCursor Parse(string token, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 &&
                long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var createdAt) &&
                createdAt >= MinMilliseconds && createdAt <= MaxMilliseconds &&
                Guid.TryParseExact(text.AsSpan(colon + 1), "D", out var id))
            {
                return new PageCursor(DateTimeOffset.FromUnixTimeMilliseconds(createdAt), id);
            }
        }
        catch (FormatException)
        {
            // Not base64url; reported below like any other malformed token.
        }
        throw new ArgumentException(Malformed, parameterName);
    }
}
