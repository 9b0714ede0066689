namespace Workflows.Engine.Tests.Execution;

/// <summary>A minimal service provider: returns the first given instance assignable to the requested type.</summary>
public sealed class TestServices(params object[] services) : IServiceProvider
{
    public object? GetService(Type serviceType) =>
        serviceType == typeof(IServiceProvider) ? this : services.FirstOrDefault(serviceType.IsInstanceOfType);
}
