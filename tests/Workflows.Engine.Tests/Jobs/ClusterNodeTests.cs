using Microsoft.Extensions.Options;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Tests.Jobs;

public sealed class ClusterNodeTests
{
    [Theory]
    [InlineData(200, 1, 200)]
    [InlineData(200, 2, 100)]
    [InlineData(200, 3, 66)]
    [InlineData(1, 3, 1)]
    [InlineData(0, 3, 0)]
    public void Share_SplitsALimitAmongLiveNodes_NeverAboveItInTotalExceptTheFloorOfOne(int limit, int nodes, int share)
    {
        var node = new ClusterNode(Options.Create(new NodeOptions())) { LiveNodes = nodes };

        Assert.Equal(share, node.Share(limit));
        Assert.True(limit == 0 || share * nodes <= limit || share == 1);
    }

    [Fact]
    public void Id_ConfiguredOrGenerated()
    {
        Assert.Equal("node-7", new ClusterNode(Options.Create(new NodeOptions { Id = "node-7" })).Id);
        var generated = new ClusterNode(Options.Create(new NodeOptions())).Id;
        Assert.StartsWith(Environment.MachineName + "-", generated, StringComparison.Ordinal);
        Assert.NotEqual(generated, new ClusterNode(Options.Create(new NodeOptions())).Id);
    }
}
