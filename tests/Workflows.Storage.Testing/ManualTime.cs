namespace Workflows.Storage.Testing;

/// <summary>A clock that only moves when told, for retention by stored time.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    /// <summary>The time it tells.</summary>
    public DateTimeOffset Now { get; set; } = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;
}
