using System.Text;

namespace Workflows.Blocks.Tests.Files;

/// <summary>The first bytes of real files of each kind, padded to look like a whole file.</summary>
public static class MimeSamples
{
    public static readonly byte[] Png = Pad([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, .. "IHDR"u8]);

    public static byte[] Pad(ReadOnlySpan<byte> head, int length = 64)
    {
        var bytes = new byte[Math.Max(length, head.Length)];
        head.CopyTo(bytes);
        for (var i = head.Length; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        return bytes;
    }

    public static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);
}
