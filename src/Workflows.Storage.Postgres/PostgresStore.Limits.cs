using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

// Cluster-wide request rate: one token bucket per organisation in an unlogged table, refilled by the database clock.
// Nodes take tokens a few at a time (RequestRateLimiter in the host), so most requests never reach the database for it.
public sealed partial class PostgresStore
{
    // The organisation's tokens as of this statement: what was left plus the refill since, at most the burst. A statement
    // that waited for the row behind another one's later refill adds nothing for the negative interval.
    private const string Available =
        "LEAST(@burst::float8, b.tokens + @rate * GREATEST(0, extract(epoch FROM statement_timestamp() - b.refilled_at)))";

    private const string TakeTokens =
        "INSERT INTO request_buckets AS b (org, tokens, refilled_at, granted) " +
        "VALUES (@org, @burst - LEAST(@want, @burst), statement_timestamp(), LEAST(@want, @burst)) " +
        "ON CONFLICT (org) DO UPDATE SET " +
        "granted = LEAST(@want, floor(GREATEST(0, " + Available + ")))::integer, " +
        "tokens = " + Available + " - LEAST(@want, floor(GREATEST(0, " + Available + "))), " +
        "refilled_at = GREATEST(b.refilled_at, statement_timestamp()) " +
        "RETURNING granted, tokens";

    /// <inheritdoc />
    public Task<RequestTokens> TakeRequestTokensAsync(string organizationId, int want, int perSecond, int burst, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(want);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        // One autocommit statement on a pooled connection, not through the writer: it changes no job, and a bucket row is
        // locked only for the statement.
        return ReadAsync(
            TakeTokens,
            parameters => parameters.Text("org", organizationId).Int("want", want).Int("burst", burst).Int("rate", perSecond),
            async (reader, ct) =>
            {
                await reader.ReadAsync(ct);
                var granted = reader.GetInt32(0);
                var left = reader.GetDouble(1);
                var retryAfter = granted > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(0.001, (1 - left) / perSecond));
                return new RequestTokens(granted, retryAfter);
            },
            cancellationToken);
    }
}
