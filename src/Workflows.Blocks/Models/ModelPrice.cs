namespace Workflows.Blocks.Models;

/// <summary>What a model costs, per million tokens, in the currency the operator bills in.</summary>
public sealed class ModelPrice
{
    /// <summary>The price of one million prompt (input) tokens.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>The price of one million generated (output) tokens.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>The cost of one call that used the given numbers of tokens.</summary>
    public decimal CostOf(long inputTokens, long outputTokens) =>
        ((inputTokens * InputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m;
}
