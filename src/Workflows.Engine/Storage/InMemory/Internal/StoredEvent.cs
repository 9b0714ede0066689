using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.Support;

namespace Workflows.Engine.Storage.InMemory.Internal;

/// <summary>An event as stored: its JSON as text, so nothing the caller changes later reaches the store and every read
/// hands out fresh nodes.</summary>
internal sealed record StoredEvent(JobEvent Event, string? Output, string? Data)
{
    public static StoredEvent From(JobEvent e) => new(
        e with { Time = StoredTime.Of(e.Time), Output = null, Data = null },
        StoredJson.WriteOrNull(e.Output),
        StoredJson.WriteOrNull(e.Data));

    public JobEvent Read() => Event with { Output = StoredJson.Parse(Output), Data = StoredJson.ParseObjectOrNull(Data) };
}
