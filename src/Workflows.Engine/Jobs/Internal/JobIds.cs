using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// Job ids are UUIDv7 (RFC 9562) whose 12-bit <c>rand_a</c> field is a counter (the RFC's "method 1"),
/// so ids made by one node only ever grow. <see cref="Guid.CreateVersion7(DateTimeOffset)"/> fills that field
/// with random bits: two jobs started in the same millisecond then sort in random order, and "newest first"
/// lists disagree with the order the jobs were started in.
/// </summary>
internal static class JobIds
{
    private static readonly Lock Gate = new();
    private static long lastMillis;
    private static int counter;

    public static Guid Next(DateTimeOffset now)
    {
        long millis;
        int sequence;
        lock (Gate)
        {
            millis = Math.Max(now.ToUnixTimeMilliseconds(), lastMillis);
            if (millis > lastMillis)
            {
                // Start low in the field so a burst within one millisecond has room to count.
                counter = RandomNumberGenerator.GetInt32(0x400);
            }
            else if (++counter > 0xFFF)
            {
                // 4096 ids in one millisecond: borrow the next millisecond rather than repeat or wrap.
                millis++;
                counter = 0;
            }

            lastMillis = millis;
            sequence = counter;
        }

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, millis << 16);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[6..], (ushort)(0x7000 | sequence));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
