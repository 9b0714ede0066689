using Npgsql;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Binds events as one array per column, for the <c>unnest(@e_…)</c> of a job write.</summary>
internal static class EventColumns
{
    public static void Bind(NpgsqlParameterCollection parameters, PreparedEvent[] events)
    {
        var count = events.Length;
        var seq = new long[count];
        var type = new string?[count];
        var time = new DateTimeOffset[count];
        var blockId = new string?[count];
        var blockType = new string?[count];
        var text = new string?[count];
        var duration = new long?[count];
        var output = new string?[count];
        var error = new string?[count];
        var data = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var e = events[i].Event;
            seq[i] = e.Sequence;
            type[i] = e.Type;
            time[i] = e.Time;
            blockId[i] = e.BlockId;
            blockType[i] = e.BlockType;
            text[i] = e.Text;
            duration[i] = e.Duration?.Ticks;
            output[i] = events[i].Output;
            error[i] = e.Error;
            data[i] = events[i].Data;
        }
        parameters
            .BigIntArray("e_seq", seq)
            .TextArray("e_type", type)
            .TimeArray("e_time", time)
            .TextArray("e_block_id", blockId)
            .TextArray("e_block_type", blockType)
            .TextArray("e_text", text)
            .NullableBigIntArray("e_duration_ticks", duration)
            .TextArray("e_output", output)
            .TextArray("e_error", error)
            .TextArray("e_data", data);
    }
}
