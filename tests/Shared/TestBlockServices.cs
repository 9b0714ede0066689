using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Blocks;
using Workflows.Engine;
using Workflows.Engine.Blocks;

namespace Workflows.Tests.Shared;

/// <summary>
/// Builds blocks and block registries the way a host does, through the container: the engine's and the block
/// library's services, plus test doubles that replace or add to them. One place for that setup, so tests do not
/// each assemble a service provider.
/// </summary>
public static class TestBlockServices
{
    /// <summary>
    /// A provider with <c>AddWorkflowEngine</c> and <c>AddWorkflowBlocks</c> (no store: child jobs are resolved lazily)
    /// where each of <paramref name="instances"/> is the service for its own class, its base classes and interfaces.
    /// </summary>
    public static ServiceProvider Provider(params object[] instances) => Provider(static _ => { }, instances);

    /// <inheritdoc cref="Provider(object[])"/>
    /// <param name="configure">Changes to the registrations, such as options.</param>
    /// <param name="instances">Services that replace the registered ones.</param>
    public static ServiceProvider Provider(Action<IServiceCollection> configure, params object[] instances)
    {
        var services = new ServiceCollection().AddLogging().AddWorkflowEngine().AddWorkflowBlocks();
        configure(services);
        foreach (var instance in instances)
        {
            foreach (var type in ServiceTypes(instance.GetType()))
            {
                services.RemoveAll(type);
                services.AddSingleton(type, instance);
            }
        }

        return services.BuildServiceProvider();
    }

    /// <summary>A block built by the container; <paramref name="arguments"/> go to its constructor before any service.</summary>
    public static T Create<T>(params object[] arguments)
        where T : IBlock =>
        Create<T>(Provider(), arguments);

    /// <summary>A block built from <paramref name="services"/>; <paramref name="arguments"/> go to its constructor before any service.</summary>
    public static T Create<T>(IServiceProvider services, params object[] arguments)
        where T : IBlock =>
        ActivatorUtilities.CreateInstance<T>(services, arguments);

    /// <summary>A registry of every block in <paramref name="assemblies"/>, built with <paramref name="instances"/> as services.</summary>
    public static BlockRegistry Registry(Assembly[] assemblies, params object[] instances) =>
        BlockRegistry.FromAssemblies(Provider(instances), assemblies);

    /// <summary>A registry of the given block classes, built with <paramref name="instances"/> as services.</summary>
    public static BlockRegistry Registry(IEnumerable<Type> blockTypes, params object[] instances) =>
        BlockRegistry.FromTypes(Provider(instances), blockTypes);

    /// <summary>A registry of the block library (what <c>AddWorkflowBlocks</c> registers), for parsing.</summary>
    public static BlockRegistry Library() => Registry([typeof(TemplateBlock).Assembly]);

    private static IEnumerable<Type> ServiceTypes(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            yield return t;
        }

        foreach (var i in type.GetInterfaces().Where(i => i != typeof(IDisposable) && i != typeof(IAsyncDisposable)))
        {
            yield return i;
        }
    }
}
