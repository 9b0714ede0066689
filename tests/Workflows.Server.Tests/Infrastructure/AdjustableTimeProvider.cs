namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// The system clock moved forward by whatever the test asks for, so time-based expiry can be tested without waiting.
/// Timers keep running on real time (only "now" moves).
/// </summary>
public sealed class AdjustableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves "now" forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
