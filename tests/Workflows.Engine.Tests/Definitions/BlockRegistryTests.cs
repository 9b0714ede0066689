using System.Reflection;
using System.Reflection.Emit;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Blocks;
using Workflows.Engine.Tests.Execution;
using Workflows.Engine.Tests.TestBlocks;
using Workflows.Tests.Shared;

namespace Workflows.Engine.Tests.Definitions;

public class BlockRegistryTests
{
    [Fact]
    public void FromAssemblies_TestAssembly_FindsAttributedBlocksOnly()
    {
        var registry = TestAssemblyRegistry();

        Assert.Contains("test-echo", registry.TypeNames);
        Assert.Contains("test-record", registry.TypeNames);
        Assert.DoesNotContain("output", registry.TypeNames);
        Assert.True(registry.TryGet("test-echo", out var block));
        Assert.IsType<EchoBlock>(block);
        Assert.False(registry.TryGet("TEST-ECHO", out _));
    }

    [Fact]
    public void FromAssemblies_Twice_EachRegistryHasItsOwnSingletons()
    {
        var a = TestAssemblyRegistry();
        var b = TestAssemblyRegistry();

        a.TryGet("test-echo", out var first);
        a.TryGet("test-echo", out var again);
        b.TryGet("test-echo", out var other);
        Assert.Same(first, again);
        Assert.NotSame(first, other);
    }

    [Fact]
    public void FromTypes_BlockWithConstructorDependencies_GetsThemFromServices()
    {
        var time = new FixedTime();

        var registry = TestBlockServices.Registry([typeof(ServicesBlock)], time);

        Assert.True(registry.TryGet("test-services", out var block));
        Assert.Same(time, ((ServicesBlock)block).Time);
    }

    [Fact]
    public void FromTypes_BlockRegisteredAsService_UsesTheContainersInstance()
    {
        using var provider = new ServiceCollection().AddSingleton(TimeProvider.System).AddBlock<ServicesBlock>().BuildServiceProvider();

        var registry = BlockRegistry.FromTypes(provider, [typeof(ServicesBlock)]);

        Assert.True(registry.TryGet("test-services", out var block));
        Assert.Same(provider.GetRequiredService<ServicesBlock>(), block);
    }

    [Fact]
    public void FromTypes_MissingConstructorDependency_Throws()
    {
        using var empty = new ServiceCollection().BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => BlockRegistry.FromTypes(empty, [typeof(ServicesBlock)]));
    }

    [Fact]
    public void FromAssemblies_DuplicateTypeName_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => BlockRegistry.FromAssemblies(TestBlockServices.Provider(), DuplicateBlocksAssembly()));

        Assert.Contains("'dup'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromAssemblies_Engine_DefinesNoBlock()
    {
        // The core knows blocks only through their metadata: every block type lives in a library the host registers.
        var engine = BlockRegistry.FromAssemblies(TestBlockServices.Provider(), typeof(BlockRegistry).Assembly);

        Assert.Empty(engine.TypeNames);
    }

    // Two classes with [Block("dup")] must not live in this test assembly (every scan of it would fail), so they are emitted.
    private static AssemblyBuilder DuplicateBlocksAssembly()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("DuplicateBlocks"), AssemblyBuilderAccess.Run);
        var module = assembly.DefineDynamicModule("DuplicateBlocks");
        var attribute = new CustomAttributeBuilder(typeof(BlockAttribute).GetConstructor([typeof(string)])!, ["dup"]);
        for (var i = 0; i < 2; i++)
        {
            var type = module.DefineType($"Dup{i}", TypeAttributes.Public | TypeAttributes.Sealed, typeof(object), [typeof(IBlock)]);
            type.SetCustomAttribute(attribute);
            type.DefineDefaultConstructor(MethodAttributes.Public);
            foreach (var method in typeof(IBlock).GetMethods())
            {
                var implementation = type.DefineMethod(
                    method.Name,
                    MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot,
                    method.ReturnType,
                    method.GetParameters().Select(p => p.ParameterType).ToArray());
                var il = implementation.GetILGenerator();
                if (method.ReturnType != typeof(void))
                {
                    il.Emit(OpCodes.Ldnull);
                }

                il.Emit(OpCodes.Ret);
                type.DefineMethodOverride(implementation, method);
            }

            type.CreateType();
        }

        return assembly;
    }

    // Every block of this assembly, the gate block's gates included.
    private static BlockRegistry TestAssemblyRegistry() => TestBlockServices.Registry([typeof(EchoBlock).Assembly], new Gates());

    private sealed class FixedTime : TimeProvider;
}
