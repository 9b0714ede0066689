using Npgsql;
using NpgsqlTypes;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// Typed parameters: every parameter names its PostgreSQL type, so a NULL still has one (<c>@x IS NULL</c> needs it)
/// and auto-prepared statements keep one plan whatever the values are.
/// </summary>
internal static class Parameters
{
    public static NpgsqlParameterCollection Text(this NpgsqlParameterCollection parameters, string name, string? value) =>
        parameters.With(name, NpgsqlDbType.Text, value);

    public static NpgsqlParameterCollection Uuid(this NpgsqlParameterCollection parameters, string name, Guid? value) =>
        parameters.With(name, NpgsqlDbType.Uuid, value);

    public static NpgsqlParameterCollection Int(this NpgsqlParameterCollection parameters, string name, int? value) =>
        parameters.With(name, NpgsqlDbType.Integer, value);

    public static NpgsqlParameterCollection BigInt(this NpgsqlParameterCollection parameters, string name, long? value) =>
        parameters.With(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlParameterCollection Bytes(this NpgsqlParameterCollection parameters, string name, ReadOnlyMemory<byte> value)
    {
        parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>(name, NpgsqlDbType.Bytea) { TypedValue = value });
        return parameters;
    }

    public static NpgsqlParameterCollection Bool(this NpgsqlParameterCollection parameters, string name, bool value) =>
        parameters.With(name, NpgsqlDbType.Boolean, value);

    /// <summary>A timestamptz, cut to milliseconds in UTC.</summary>
    public static NpgsqlParameterCollection Time(this NpgsqlParameterCollection parameters, string name, DateTimeOffset? value) =>
        parameters.With(name, NpgsqlDbType.TimestampTz, StoredTime.Cut(value));

    /// <summary>An interval.</summary>
    public static NpgsqlParameterCollection Interval(this NpgsqlParameterCollection parameters, string name, TimeSpan? value) =>
        parameters.With(name, NpgsqlDbType.Interval, value);

    public static NpgsqlParameterCollection TextArray(this NpgsqlParameterCollection parameters, string name, string?[]? values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values);

    public static NpgsqlParameterCollection UuidArray(this NpgsqlParameterCollection parameters, string name, Guid[] values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid, values);

    public static NpgsqlParameterCollection IntArray(this NpgsqlParameterCollection parameters, string name, int[] values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Integer, values);

    public static NpgsqlParameterCollection BigIntArray(this NpgsqlParameterCollection parameters, string name, long[] values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint, values);

    public static NpgsqlParameterCollection NullableBigIntArray(this NpgsqlParameterCollection parameters, string name, long?[] values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint, values);

    public static NpgsqlParameterCollection TimeArray(this NpgsqlParameterCollection parameters, string name, DateTimeOffset[] values) =>
        parameters.With(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Array.ConvertAll(values, StoredTime.Cut));

    /// <summary>
    /// A fresh command with copies of the parameters: a parameter belongs to one command, and a command to one batch, so
    /// a prepared template is copied each time it is sent.
    /// </summary>
    public static NpgsqlBatchCommand Copy(this NpgsqlBatchCommand template)
    {
        var copy = new NpgsqlBatchCommand(template.CommandText);
        foreach (NpgsqlParameter parameter in template.Parameters)
        {
            copy.Parameters.Add(parameter.Clone());
        }
        return copy;
    }

    private static NpgsqlParameterCollection With(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, object? value)
    {
        parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return parameters;
    }
}
