using System.Buffers;
using System.Text;

namespace Workflows.Blocks.Files.Internal;

/// <summary>Decodes <c>data:</c> URLs (RFC 2397) and bare base64 (standard or URL-safe, padding optional).</summary>
internal static class DataUrl
{
    /// <summary>The bytes and the name a <c>;name=</c> parameter gives, or null when the text is not a data: URL.</summary>
    /// <exception cref="FileTooLargeException">The decoded bytes would be larger than <paramref name="limit"/>.</exception>
    public static (byte[] Bytes, string? FileName)? Decode(string text, long limit)
    {
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // The media type is ignored: the store sniffs the content instead of trusting the caller.
        var parameters = text[5..comma].Split(';', StringSplitOptions.TrimEntries);
        var isBase64 = parameters.Length > 0 && parameters[^1].Equals("base64", StringComparison.OrdinalIgnoreCase);
        string? fileName = null;
        foreach (var parameter in parameters)
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parameter[..eq].Trim().Equals("name", StringComparison.OrdinalIgnoreCase))
            {
                fileName = Uri.UnescapeDataString(parameter[(eq + 1)..].Trim().Trim('"'));
            }
        }

        var data = text[(comma + 1)..];
        var bytes = isBase64 ? DecodeBase64(data, limit)?.Bytes : PercentDecode(data, limit);
        return bytes is null ? null : (bytes, fileName);
    }

    /// <summary>The bytes of base64 text (whitespace ignored), or null when it is not base64.</summary>
    /// <exception cref="FileTooLargeException">The decoded bytes would be larger than <paramref name="limit"/>.</exception>
    public static (byte[] Bytes, string? FileName)? DecodeBase64(string text, long limit)
    {
        var builder = new StringBuilder(text.Length + 3);
        foreach (var c in text)
        {
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\n':
                    continue;
                case '-':
                    builder.Append('+');
                    break;
                case '_':
                    builder.Append('/');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        if (builder.Length == 0 || builder.Length % 4 == 1)
        {
            return null;
        }

        builder.Append('=', (4 - (builder.Length % 4)) % 4);
        var base64 = builder.ToString();
        var length = (base64.Length / 4 * 3) - base64.AsSpan()[^2..].Count('=');
        if (length > limit)
        {
            throw new FileTooLargeException(limit);
        }

        var bytes = new byte[length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written == length ? (bytes, null) : null;
    }

    private static byte[]? PercentDecode(string data, long limit)
    {
        var bytes = new ArrayBufferWriter<byte>(data.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '%')
            {
                if (i + 2 >= data.Length || !byte.TryParse(data.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                {
                    return null;
                }

                bytes.Write([b]);
                i += 2;
            }
            else
            {
                var count = Encoding.UTF8.GetBytes(data.AsSpan(i, char.IsHighSurrogate(data[i]) && i + 1 < data.Length ? 2 : 1), utf8);
                bytes.Write(utf8[..count]);
                if (count == 4)
                {
                    i++;
                }
            }

            if (bytes.WrittenCount > limit)
            {
                throw new FileTooLargeException(limit);
            }
        }

        return bytes.WrittenSpan.ToArray();
    }
}
