using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Registries of test blocks under short names, independent of the engine's real blocks.</summary>
public static class TestRegistry
{
    /// <summary>echo, fail, record and a stand-in output block; new instances every call.</summary>
    public static BlockRegistry Create() => BlockRegistry.FromInstances(
    [
        new("echo", new EchoBlock()),
        new("fail", new FailBlock()),
        new("record", new RecordingBlock()),
        new("output", new StandInOutputBlock()),
    ]);

    /// <summary>The recording block of a registry made by <see cref="Create"/>.</summary>
    public static RecordingBlock Recorder(BlockRegistry registry) =>
        registry.TryGet("record", out var block) ? (RecordingBlock)block : throw new InvalidOperationException("no recorder");
}
