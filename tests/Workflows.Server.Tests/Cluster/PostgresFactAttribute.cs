using Workflows.Storage.Testing.Postgres;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// A fact that needs PostgreSQL binaries: without them it is reported as skipped with the reason, except on CI
/// (<c>CI=true</c>), where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = PostgresBinaries.SkipReason;
    }
}
