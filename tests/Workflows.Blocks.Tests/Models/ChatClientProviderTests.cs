using Microsoft.Extensions.AI;
using Workflows.Blocks.Models;
using Workflows.Blocks.Tests.Fixtures;

namespace Workflows.Blocks.Tests.Models;

public sealed class ChatClientProviderTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void GetClient_NoNames_UsesTheDefaultProviderAndItsModel()
    {
        var client = ModelSetup.Provider(ModelSetup.Options(_server)).GetClient(null, null);

        Assert.Equal("local", client.Provider);
        Assert.Equal("test-model", client.Model);
    }

    [Fact]
    public void GetClient_OneProviderNoDefault_UsesIt()
    {
        var options = ModelSetup.Options(_server);
        options.DefaultProvider = null;

        Assert.Equal("local", ModelSetup.Provider(options).GetClient(null, "m").Provider);
    }

    [Fact]
    public void GetClient_TwoProvidersNoDefault_AsksForOne()
    {
        var options = ModelSetup.Options(_server);
        options.DefaultProvider = null;
        options.Providers["other"] = new ModelProviderOptions { Endpoint = _server.Endpoint };

        var e = Assert.Throws<ModelProviderException>(() => ModelSetup.Provider(options).GetClient(null, "m"));

        Assert.Equal("no model provider named: set 'provider' on the block or Workflows:Models:DefaultProvider", e.Message);
    }

    [Fact]
    public void GetClient_UnknownProvider_Throws() =>
        Assert.Equal(
            "unknown model provider 'x'",
            Assert.Throws<ModelProviderException>(() => ModelSetup.Provider(ModelSetup.Options(_server)).GetClient("x", null)).Message);

    [Fact]
    public void GetClient_NoModelAnywhere_Throws()
    {
        var options = ModelSetup.Options(_server);
        options.Providers["local"].Model = null;

        var e = Assert.Throws<ModelProviderException>(() => ModelSetup.Provider(options).GetClient("LOCAL", null));

        Assert.Equal("no model given for provider 'LOCAL': set 'model' on the block or Workflows:Models:Providers:LOCAL:Model", e.Message);
    }

    [Fact]
    public void GetClient_SameProviderAndModel_IsCached()
    {
        var provider = ModelSetup.Provider(ModelSetup.Options(_server));

        Assert.Same(provider.GetClient("local", "a").Client, provider.GetClient("local", "a").Client);
        Assert.NotSame(provider.GetClient("local", "a").Client, provider.GetClient("local", "b").Client);
    }

    [Fact]
    public async Task GetClient_SettingsChanged_BuildsANewClient()
    {
        var monitor = new TestOptionsMonitor<ModelOptions>(ModelSetup.Options(_server));
        var provider = ModelSetup.Provider(monitor);
        var before = provider.GetClient(null, null).Client;
        var changed = ModelSetup.Options(_server);
        changed.Providers["local"].ApiKey = "new-key";
        monitor.CurrentValue = changed;

        var after = provider.GetClient(null, null).Client;
        await after.GetResponseAsync("hi");

        Assert.NotSame(before, after);
        Assert.Equal("Bearer new-key", _server.Requests[0].Authorization);
    }

    [Fact]
    public async Task GetClient_ApiKeyEnv_SendsTheKeyFromTheEnvironment()
    {
        var variable = "WORKFLOWS_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            var options = ModelSetup.Options(_server);
            options.Providers["local"].ApiKeyEnv = variable;

            await ModelSetup.Provider(options).GetClient(null, null).Client.GetResponseAsync("hi");

            Assert.Equal("Bearer from-env", _server.Requests[0].Authorization);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task GetResponseAsync_NonStreaming_ReturnsTextAndUsage()
    {
        var client = ModelSetup.Provider(ModelSetup.Options(_server)).GetClient(null, null).Client;

        var response = await client.GetResponseAsync("hi");

        Assert.Equal("Hello, world", response.Text);
        Assert.Equal(17, response.Usage?.TotalTokenCount);
        Assert.False(_server.Requests[0].Body["stream"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderFails_ThrowsWithItsMessage()
    {
        _server.FailNext(503, "model is loading");
        var client = ModelSetup.Provider(ModelSetup.Options(_server)).GetClient(null, null).Client;

        var e = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi"));

        Assert.Equal("model provider 'local' returned 503: model is loading", e.Message);
    }

    [Fact]
    public async Task GetResponseAsync_NothingListening_SaysUnreachable()
    {
        var options = ModelSetup.Options(_server);
        options.Providers["local"].Endpoint = "http://127.0.0.1:1/v1";
        var client = ModelSetup.Provider(options).GetClient(null, null).Client;

        var e = await Assert.ThrowsAsync<ModelProviderException>(() => client.GetResponseAsync("hi"));

        Assert.StartsWith("model provider 'local' could not be reached: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindPrice_IgnoresCase()
    {
        var options = ModelSetup.Options(_server);
        options.Prices["GPT-X"] = new ModelPrice { InputPerMillion = 1m };

        Assert.Equal(1m, ModelSetup.Provider(options).FindPrice("gpt-x")?.InputPerMillion);
        Assert.Null(ModelSetup.Provider(options).FindPrice("other"));
    }
}
