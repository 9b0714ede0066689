using Workflows.Server.Files;

namespace Workflows.Server.Api.Agents;

/// <summary>
/// Signs the PUT URLs of <c>account/upload</c> (<c>?org=&amp;expires=&amp;sig=</c> over the organisation, the upload id
/// and the expiry) with a key of their own, derived from the signing key like download links' but for another purpose.
/// </summary>
internal sealed class UploadLinks(FileLinkSigner signer)
{
    /// <summary>The key derivation's purpose for upload URLs.</summary>
    public static readonly byte[] Purpose = "workflows/v1 upload urls"u8.ToArray();

    /// <summary>How long an upload URL accepts its PUT.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public FileLinkSigner Signer => signer;
}
