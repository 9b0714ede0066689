using Microsoft.Extensions.Options;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Tests.Jobs;

public sealed class ClusterNodeTests
{
    [Fact]
    public void Id_ConfiguredOrGenerated()
    {
        Assert.Equal("node-7", new ClusterNode(Options.Create(new NodeOptions { Id = "node-7" })).Id);
        var generated = new ClusterNode(Options.Create(new NodeOptions())).Id;
        Assert.StartsWith(Environment.MachineName + "-", generated, StringComparison.Ordinal);
        Assert.NotEqual(generated, new ClusterNode(Options.Create(new NodeOptions())).Id);
    }
}
