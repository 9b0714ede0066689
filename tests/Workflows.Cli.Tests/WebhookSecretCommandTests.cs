using Workflows.Cli;
using Workflows.Security;

namespace Workflows.Cli.Tests;

public sealed class WebhookSecretCommandTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("wf-cli-").FullName;

    [Fact]
    public async Task WebhookSecret_Twice_PrintsTheSameStandardWebhooksSecret()
    {
        var first = await RunAsync("webhook-secret", "--data-dir", _dataDir);
        var second = await RunAsync("webhook-secret", "--data-dir", _dataDir);

        Assert.Equal(0, first.Code);
        Assert.StartsWith("whsec_", first.Output, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSecrets.Decode(first.Output.Trim()).Length);
        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task WebhookSecret_PerOrganization_Differs()
    {
        var main = await RunAsync("webhook-secret", "--data-dir", _dataDir);
        var acme = await RunAsync("webhook-secret", "--org", "acme", "--data-dir", _dataDir);

        Assert.NotEqual(main.Output, acme.Output);
    }

    [Fact]
    public async Task WebhookSecret_Rotate_NewSecretAndOldStillSigns()
    {
        var old = (await RunAsync("webhook-secret", "--data-dir", _dataDir)).Output.Trim();
        var rotated = (await RunAsync("webhook-secret", "rotate", "--data-dir", _dataDir)).Output.Trim();
        var current = (await RunAsync("webhook-secret", "--data-dir", _dataDir)).Output.Trim();

        Assert.NotEqual(old, rotated);
        Assert.Equal(rotated, current);
        var keys = await new WebhookSecrets(_dataDir, TimeProvider.System).SigningKeysAsync("default", CancellationToken.None);
        var header = WebhookSignature.Sign("msg_1", 1700000000, "{}", keys);
        Assert.True(WebhookSignature.Verify("msg_1", 1700000000, "{}", header, old));
        Assert.True(WebhookSignature.Verify("msg_1", 1700000000, "{}", header, rotated));
        Assert.False(WebhookSignature.Verify("msg_1", 1700000001, "{}", header, rotated));
    }

    [Fact]
    public async Task WebhookSecret_RotateWithOptionsAfter_RotatesThatOrganization()
    {
        var before = (await RunAsync("webhook-secret", "--org", "acme", "--data-dir", _dataDir)).Output;
        var rotated = await RunAsync("webhook-secret", "rotate", "--org", "acme", "--data-dir", _dataDir);

        Assert.Equal(0, rotated.Code);
        Assert.NotEqual(before, rotated.Output);
        Assert.Equal(rotated.Output, (await RunAsync("webhook-secret", "--org", "acme", "--data-dir", _dataDir)).Output);
    }

    [Fact]
    public async Task WebhookSecret_UnknownArgument_ExitsTwoNamingIt()
    {
        var result = await RunAsync("webhook-secret", "spin", "--data-dir", _dataDir);

        Assert.Equal(2, result.Code);
        Assert.Contains("'spin'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookSecret_UnsafeOrganization_Refused()
    {
        var result = await RunAsync("webhook-secret", "--org", "../../etc", "--data-dir", _dataDir);

        Assert.Equal(1, result.Code);
        Assert.Contains("cannot name a secret file", result.Error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
