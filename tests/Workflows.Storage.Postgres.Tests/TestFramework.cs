using Workflows.Storage.Testing.Postgres;

// Every test here needs PostgreSQL: without it they are reported as skipped (or fail on CI); see PostgresTestFramework.
[assembly: TestFramework(PostgresTestFramework.TypeName, PostgresTestFramework.AssemblyName)]
