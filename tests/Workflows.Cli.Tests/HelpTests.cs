using Workflows.Cli;

namespace Workflows.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_Root_ListsCommandsAndExitsZero(string flag)
    {
        var (code, output, error) = await RunAsync(flag);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("workflows [command] [options]", output, StringComparison.Ordinal);
        Assert.Contains("token", output, StringComparison.Ordinal);
        Assert.Contains("webhook-secret", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token", "--help")]
    [InlineData("help", "token")]
    public async Task Help_Token_DescribesArgumentsAndOptions(params string[] args)
    {
        var (code, output, _) = await RunAsync(args);

        Assert.Equal(0, code);
        Assert.Contains("workflows token <action> <subject> <expires_in_ms> [<recipe_id>...] [command] [options]", output, StringComparison.Ordinal);
        Assert.Contains("--org <ID>", output, StringComparison.Ordinal);
        Assert.Contains("--data-dir <DIR>", output, StringComparison.Ordinal);
        Assert.Contains("$WORKFLOWS_DATA_DIR", output, StringComparison.Ordinal);
        Assert.Contains("$Workflows__Auth__SigningKey", output, StringComparison.Ordinal);
        Assert.Contains("$Workflows__Auth__MaxTokenLifetime", output, StringComparison.Ordinal);
        Assert.Contains("revoke", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_WebhookSecret_ListsRotate()
    {
        var (code, output, _) = await RunAsync("webhook-secret", "--help");

        Assert.Equal(0, code);
        Assert.Contains("rotate", output, StringComparison.Ordinal);
        Assert.Contains("24 hours", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_HelpWithBadOption_StillHelps()
    {
        var (code, output, _) = await RunAsync("token", "--colour", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCommand_ExitsTwoWithRootHelpOnStandardError()
    {
        var (code, output, error) = await RunAsync();

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("webhook-secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpForUnknownCommand_ExitsTwo()
    {
        var (code, _, error) = await RunAsync("help", "frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("unknown command 'frobnicate'", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
