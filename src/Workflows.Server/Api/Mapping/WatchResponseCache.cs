using Workflows.Contracts.V1;

namespace Workflows.Server.Api.Mapping;

/// <summary>
/// <c>WatchJob</c> responses of recent events, so an event goes to protobuf once however many watchers its job has
/// (10,000 watchers of 100 jobs mapped each event 100 times, output JSON to <c>Struct</c> included). Keyed by job and
/// sequence: a committed event never changes, and a replayed one equals the live one, so every watcher of a job shares
/// the message (messages are only read while they are written out). Direct-mapped and bounded: a slot holds the last
/// event that hashed to it, a miss maps again.
/// </summary>
internal static class WatchResponseCache
{
    private const int Slots = 1024;
    private static readonly Entry?[] Entries = new Entry?[Slots];

    /// <summary>
    /// The response for <paramref name="ev"/>; with <paramref name="encoded"/>, one already encoded to protobuf (for gRPC
    /// streams: see <see cref="WatchJobResponse.Encoded"/>), so the event is also encoded once, not once per watcher.
    /// </summary>
    public static WatchJobResponse Get(Engine.Jobs.JobEvent ev, bool encoded)
    {
        var slot = HashCode.Combine(ev.JobId, ev.Sequence) & (Slots - 1);
        var entry = Volatile.Read(ref Entries[slot]);
        if (entry is null || entry.Sequence != ev.Sequence || entry.JobId != ev.JobId)
        {
            entry = new Entry(ev.JobId, ev.Sequence, new WatchJobResponse { Event = JobMapper.ToProto(ev) });
            Volatile.Write(ref Entries[slot], entry);
        }

        // Two watchers may both encode a new event; either copy is the same bytes.
        return encoded ? entry.Encoded ??= WatchJobResponse.Encoded(entry.Response) : entry.Response;
    }

    private sealed class Entry(Guid jobId, long sequence, WatchJobResponse response)
    {
        public Guid JobId { get; } = jobId;

        public long Sequence { get; } = sequence;

        public WatchJobResponse Response { get; } = response;

        public WatchJobResponse? Encoded { get; set; }
    }
}
