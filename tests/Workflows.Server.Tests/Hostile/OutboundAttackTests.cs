using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Contracts.V1;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// Requests aimed at the service's own network, on a server with the default allow list: <c>http_request</c> blocks
/// to loopback, private, link-local and metadata addresses, a name that resolves to loopback, and a redirect from an
/// allowed host to 127.0.0.1 all fail the job with the guard's message; callback and progress URLs to those addresses
/// are refused when the run is requested (400 naming the URL), on every API that takes them. Nothing is sent: the
/// guard refuses before connecting, and loopback targets are live receivers that must stay silent.
/// </summary>
public sealed class OutboundAttackTests(OutboundServerFixture outbound) : IClassFixture<OutboundServerFixture>, IAsyncLifetime
{
    private CallbackReceiver _target = null!;

    private ServerFixture Server => outbound.Server;

    /// <summary>URLs an <c>http_request</c> block may not call; {port} is a live loopback receiver.</summary>
    public static TheoryData<string, string> BlockTargets => new()
    {
        { "http://127.0.0.1:{port}/admin", "127.0.0.1 is a loopback address" },
        { "http://[::1]:{port}/admin", "::1 is a loopback address" },
        { "http://localhost:{port}/admin", "is a loopback address" },
        { "http://10.0.0.1/", "10.0.0.1 is a private address" },
        { "http://172.16.0.1/", "172.16.0.1 is a private address" },
        { "http://192.168.1.1/", "192.168.1.1 is a private address" },
        { "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "169.254.169.254 is a link-local address" },
        { "http://[::ffff:127.0.0.1]:{port}/admin", "loopback" },
        { "http://0.0.0.0:{port}/admin", "0.0.0.0 is an unspecified address" },
        { "http://100.64.0.1/", "carrier-grade NAT" },
    };

    /// <summary>Callback and progress URLs refused when the run is requested.</summary>
    public static TheoryData<string> DeliveryTargets =>
    [
        "http://127.0.0.1:{port}/cb", "http://[::1]:{port}/cb", "http://localhost:{port}/cb", "http://10.0.0.1/cb",
        "http://172.16.0.1/cb", "http://192.168.1.1/cb", "http://169.254.169.254/latest/meta-data/",
    ];

    public async Task InitializeAsync() => _target = await CallbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    private string Url(string template) => template.Replace("{port}", new Uri(_target.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task<RunResponse> CallAsync(string url) =>
        await Server.Grpc().RunAsync(
            new RunRequest { AppId = "outbound", Variables = JobHelpers.Vars(("url", url)) },
            ServerFixture.Bearer(Server.ExecToken),
            JobHelpers.Deadline());

    /// <summary>The loopback receiver the attacks aim at got nothing (it records every request it is sent).</summary>
    private async Task AssertTargetSilentAsync()
    {
        foreach (var path in new[] { "/admin", "/cb" })
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _target.NextAsync(path, TimeSpan.FromMilliseconds(50)));
        }
    }

    private async Task<int> JobCountAsync()
    {
        var page = await Server.Services.GetRequiredService<IJobStore>().ListJobsAsync(new JobQuery("default", 500, null), CancellationToken.None);
        return page.Jobs.Count;
    }

    [Theory]
    [MemberData(nameof(BlockTargets))]
    public async Task HttpRequest_RestrictedTarget_JobFailsWithTheGuardsMessage(string template, string reason)
    {
        var response = await CallAsync(Url(template));

        Assert.Equal(JobState.Failed, response.Job.State);
        Assert.Contains("outbound request to", response.Job.Error, StringComparison.Ordinal);
        Assert.Contains("refused", response.Job.Error, StringComparison.Ordinal);
        Assert.Contains(reason, response.Job.Error, StringComparison.Ordinal);
        Assert.Contains("Workflows:Outbound:Allow", response.Job.Error, StringComparison.Ordinal);
        await AssertTargetSilentAsync();
    }

    [Fact]
    public async Task HttpRequest_AllowedHostRedirectsToLoopback_RefusedAtTheRedirect()
    {
        var redirectorHits = 0;
        await using var redirector = await StartRedirectorAsync(Url("http://127.0.0.1:{port}/admin"), () => Interlocked.Increment(ref redirectorHits));

        var response = await CallAsync(redirector.Url + "/start");

        Assert.Equal(JobState.Failed, response.Job.State);
        Assert.Contains("outbound request to 127.0.0.1 refused: 127.0.0.1 is a loopback address", response.Job.Error, StringComparison.Ordinal);
        Assert.Equal(1, redirectorHits);
        await AssertTargetSilentAsync();
    }

    [Fact]
    public async Task HttpRequest_AllowedAddress_Succeeds()
    {
        await using var redirector = await StartRedirectorAsync(null, () => { });

        var response = await CallAsync(redirector.Url + "/fine");

        Assert.Equal(JobState.Succeeded, response.Job.State);
        Assert.Equal(200, response.Result.NumberValue);
    }

    [Theory]
    [MemberData(nameof(DeliveryTargets))]
    public async Task Run_RestrictedCallbackOrProgressUrl_400NamingTheUrlOnEveryApi(string template)
    {
        var url = Url(template);
        var before = await JobCountAsync();
        using var rest = Server.Rest(Server.AdminToken);
        var requests = new (string Path, string Field, JsonObject Body)[]
        {
            ("/v1/runs", "callback_url", new JsonObject { ["appId"] = "blog", ["variables"] = Topic(), ["callbackUrl"] = url }),
            ("/v1/runs", "progress_url", new JsonObject { ["appId"] = "blog", ["variables"] = Topic(), ["progressUrl"] = url }),
            ("/developer/v2/apps/run", "callbackUrl", new JsonObject { ["appId"] = "blog", ["variables"] = Topic(), ["callbackUrl"] = url }),
            ("/developer/v2/apps/run", "progressUrl", new JsonObject { ["appId"] = "blog", ["variables"] = Topic(), ["progressUrl"] = url }),
            ("/developer/v2/workers/run", "callbackUrl", new JsonObject { ["workerId"] = "blog", ["variables"] = Topic(), ["callbackUrl"] = url }),
            ("/developer/v2/workers/run", "progressUrl", new JsonObject { ["workerId"] = "blog", ["variables"] = Topic(), ["progressUrl"] = url }),
        };

        foreach (var (path, field, body) in requests)
        {
            var response = await rest.PostJsonAsync(path, body);
            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{path} {field}: {response}");
            var message = (string)response.Json["message"]!;
            Assert.Contains($"{field} '{url}'", message, StringComparison.Ordinal);
            Assert.Contains("refused", message, StringComparison.Ordinal);
        }

        var grpc = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () => Server.Grpc().RunAsync(
            new RunRequest { AppId = "blog", Variables = JobHelpers.Vars(("topic", "x")), CallbackUrl = url },
            ServerFixture.Bearer(Server.AdminToken),
            JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains(url, grpc.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await JobCountAsync());
        await AssertTargetSilentAsync();
    }

    [Fact]
    public async Task Run_AllowedCallbackUrl_Accepted()
    {
        await using var receiver = await StartRedirectorAsync(null, () => { });
        using var rest = Server.Rest(Server.AdminToken);

        var response = await rest.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "blog",
            ["variables"] = Topic(),
            ["callbackUrl"] = receiver.Url + "/cb",
            ["progressUrl"] = receiver.Url + "/progress",
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True((bool)response.Json["callbackInProgress"]!);
    }

    private static JsonObject Topic() => new() { ["topic"] = "outbound" };

    /// <summary>
    /// A server on the allowed address that answers 302 to <paramref name="location"/> (or 200 when null).
    /// </summary>
    private static async Task<Redirector> StartRedirectorAsync(string? location, Action hit)
    {
        var url = $"http://{OutboundServerFixture.AllowedAddress}:{FreePort.Next()}";
        var app = LoopbackApp.Create(url);
        app.Map("/{**path}", (HttpContext context) =>
        {
            hit();
            return location is null ? Results.Ok() : Results.Redirect(location);
        });
        await app.StartAsync();
        return new Redirector(app, url);
    }

    private sealed class Redirector(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
