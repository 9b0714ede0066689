namespace Workflows.Cli.Tests.Fixtures;

/// <summary>The CLI test classes share one server process.</summary>
[CollectionDefinition(Name)]
public sealed class CliServerCollection : ICollectionFixture<CliServer>
{
    public const string Name = "cli-server";
}
