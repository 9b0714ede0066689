using Workflows.Engine.Schedules;
using Workflows.Engine.Storage.InMemory;
using Workflows.Storage.Testing;

namespace Workflows.Engine.Tests.Storage;

/// <summary>The shared schedule store suite over a fresh in-memory store per test.</summary>
public sealed class InMemoryScheduleStoreTests : ScheduleStoreTests
{
    protected override Task<IScheduleStore> CreateStoreAsync() => Task.FromResult<IScheduleStore>(new InMemoryStore());
}
