using System.Security.Cryptography;
using System.Text;

namespace Workflows.Blocks.Files.Internal;

/// <summary>
/// The metadata folder name of an organisation. Organisation ids are any string, so only plain lowercase ids are
/// used as they are; anything else becomes "~" + a hash, which no plain id can equal (and which is the same on
/// case-insensitive file systems).
/// </summary>
internal static class OrganizationFolder
{
    public static string For(string organizationId)
    {
        var plain = organizationId.Length is > 0 and <= 64
            && organizationId[0] is >= 'a' and <= 'z' or >= '0' and <= '9'
            && organizationId.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.');
        return plain
            ? organizationId
            : "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(organizationId)));
    }
}
