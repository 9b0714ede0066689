using Workflows.Engine.Blocks;
using Workflows.Tests.Shared;

namespace Workflows.Engine.Tests.TestBlocks;

/// <summary>Registries of test blocks, independent of the blocks library.</summary>
public static class TestRegistry
{
    /// <summary>test-echo, test-fail, test-record and a stand-in output block; new instances every call.</summary>
    public static BlockRegistry Create() =>
        TestBlockServices.Registry([typeof(EchoBlock), typeof(FailBlock), typeof(RecordingBlock), typeof(StandInOutputBlock)]);

    /// <summary>The recording block of a registry made by <see cref="Create"/>.</summary>
    public static RecordingBlock Recorder(BlockRegistry registry) =>
        registry.TryGet("test-record", out var block) ? (RecordingBlock)block : throw new InvalidOperationException("no recorder");
}
