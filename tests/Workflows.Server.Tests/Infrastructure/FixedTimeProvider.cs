namespace Workflows.Server.Tests.Infrastructure;

/// <summary>A clock stopped at one instant, to mint tokens that are already expired or not valid yet.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
