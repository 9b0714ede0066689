using Workflows.Blocks.Models;
using Workflows.Engine.Jobs;
using Workflows.Blocks.Models.Internal;

namespace Workflows.Blocks.Tests.Models;

public sealed class ModelPriceTests
{
    [Fact]
    public void CostOf_TokensTimesPricePerMillion() =>
        Assert.Equal(0.0105m, new ModelPrice { InputPerMillion = 2.5m, OutputPerMillion = 10m }.CostOf(1_000, 800));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("0.000000150", "0.00000015")]
    [InlineData("12.50", "12.5")]
    public void Format_InvariantWithoutTrailingZeros(string cost, string expected) =>
        Assert.Equal(expected, Billing.Format(decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture)));
}
