using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Workflows.Engine.Jobs;

namespace Workflows.Storage.Relational;

/// <summary>
/// A commit's events in one job_events row: the first in the row's columns, the later ones in its <c>more</c> column as
/// a JSON array of objects named like the columns (<c>seq</c>, <c>type</c>, <c>time</c> in Unix milliseconds,
/// <c>block_id</c>, <c>block_type</c>, <c>text</c>, <c>duration_ticks</c>, <c>output</c>, <c>error</c>, <c>data</c>;
/// absent when null). One row per commit instead of one per event: a sync run's nine events cost the writer one insert.
/// A row without <c>more</c> is a single event, as every row written before batches was.
/// </summary>
public static class EventBatch
{
    // The array and the event object around an output or data node.
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = StoredJson.MaxDepth + 2 };

    private static readonly JsonWriterOptions WriteOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>The <c>more</c> column of a row holding <paramref name="events"/>: null for fewer than two.</summary>
    public static string? WriteLater(PreparedEvent[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Length < 2)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>(256 * events.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriteOptions))
        {
            writer.WriteStartArray();
            for (var i = 1; i < events.Length; i++)
            {
                Write(writer, events[i]);
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the events of <paramref name="more"/> after sequence <paramref name="after"/>,
    /// until it holds <paramref name="limit"/>.
    /// </summary>
    public static void ReadLater(Guid jobId, string more, long after, int limit, List<JobEvent> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        using var document = JsonDocument.Parse(more, ReadOptions);
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (into.Count >= limit)
            {
                return;
            }
            var sequence = element.GetProperty("seq").GetInt64();
            if (sequence > after)
            {
                into.Add(Read(jobId, sequence, element));
            }
        }
    }

    private static void Write(Utf8JsonWriter writer, PreparedEvent prepared)
    {
        var e = prepared.Event;
        writer.WriteStartObject();
        writer.WriteNumber("seq", e.Sequence);
        writer.WriteString("type", e.Type);
        writer.WriteNumber("time", e.Time.ToUnixTimeMilliseconds());
        WriteIfPresent(writer, "block_id", e.BlockId);
        WriteIfPresent(writer, "block_type", e.BlockType);
        WriteIfPresent(writer, "text", e.Text);
        if (e.Duration is { } duration)
        {
            writer.WriteNumber("duration_ticks", duration.Ticks);
        }
        if (prepared.Output is { } output)
        {
            writer.WritePropertyName("output");
            writer.WriteRawValue(output, skipInputValidation: true);
        }
        WriteIfPresent(writer, "error", e.Error);
        if (prepared.Data is { } data)
        {
            writer.WritePropertyName("data");
            writer.WriteRawValue(data, skipInputValidation: true);
        }
        writer.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static JobEvent Read(Guid jobId, long sequence, JsonElement element) =>
        new(jobId, sequence, element.GetProperty("type").GetString()!,
            DateTimeOffset.FromUnixTimeMilliseconds(element.GetProperty("time").GetInt64()))
        {
            BlockId = StringOrNull(element, "block_id"),
            BlockType = StringOrNull(element, "block_type"),
            Text = StringOrNull(element, "text"),
            Duration = element.TryGetProperty("duration_ticks", out var ticks) ? TimeSpan.FromTicks(ticks.GetInt64()) : null,
            Output = element.TryGetProperty("output", out var output) ? StoredJson.Parse(output.GetRawText()) : null,
            Error = StringOrNull(element, "error"),
            Data = element.TryGetProperty("data", out var data) ? StoredJson.ParseObject(data.GetRawText()) : null,
        };

    private static string? StringOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;
}
