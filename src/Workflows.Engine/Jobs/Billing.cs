using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Billing costs: blocks put a decimal string under <see cref="DataKey"/> of their <c>block_completed</c> event,
/// and a job's cost is the sum of those.
/// </summary>
public static class Billing
{
    /// <summary>The key of a block's cost in <see cref="Engine.Blocks.BlockResult.Data"/>.</summary>
    public const string DataKey = "billingCost";

    private const int Page = 1000;

    /// <summary>A cost as an invariant decimal string without trailing zeros (<c>0</c>, <c>0.0000135</c>).</summary>
    public static string Format(decimal cost) =>
        cost.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>The sum of the costs in a job's <c>block_completed</c> events, read from the store page by page.</summary>
    public static async Task<decimal> SumAsync(IJobStore store, Guid jobId, CancellationToken cancellationToken)
    {
        var total = 0m;
        long after = 0;
        while (true)
        {
            var batch = await store.GetEventsAsync(jobId, after, Page, cancellationToken);
            foreach (var ev in batch)
            {
                if (ev.Type == JobEventTypes.BlockCompleted)
                {
                    total += CostOf(ev.Data);
                }

                after = ev.Sequence;
            }

            if (batch.Count < Page)
            {
                return total;
            }
        }
    }

    /// <summary>The model tokens a block put in its result data (<c>usage.totalTokens</c>; 0 when none).</summary>
    public static long TokensOf(JsonObject? data) =>
        data?["usage"] is JsonObject usage && usage["totalTokens"] is JsonValue total && total.GetValueKind() == JsonValueKind.Number
        && total.TryGetValue<long>(out var tokens)
            ? tokens
            : 0;

    /// <summary>The cost a block put in its result data (0 when none).</summary>
    public static decimal CostOf(JsonObject? data)
    {
        if (data is null || !data.TryGetPropertyValue(DataKey, out var node) || node is not JsonValue value)
        {
            return 0m;
        }

        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var cost) ? cost : 0m;
    }
}
