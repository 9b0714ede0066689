using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Contracts.V1;
using Workflows.Security;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// One in-process server on a data dir the test owns, so the test can stop it and start another on the same data
/// (a restart while jobs wait or delay). Apps: the test apps.
/// </summary>
internal sealed class WaitServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private WaitServer(WebApplication app, string grpcUrl, string restUrl)
    {
        _app = app;
        _channel = GrpcChannel.ForAddress(grpcUrl);
        Token = app.Services.GetRequiredService<TokenIssuer>().Create("default", "admin", "Workflow", TimeSpan.FromHours(1), []).Token;
        Auth = ServerFixture.Bearer(Token);
        Client = new WorkflowService.WorkflowServiceClient(_channel);
        RestUrl = restUrl;
    }

    public WorkflowService.WorkflowServiceClient Client { get; }

    public Metadata Auth { get; }

    public string Token { get; }

    public string RestUrl { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<WaitServer> StartAsync(string dataDir, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var appsDir = Path.Combine(dataDir, "apps");
        if (!Directory.Exists(appsDir))
        {
            TestHost.CopyTestApps(appsDir);
        }

        var grpcUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var restUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var app = TestHost.Build(restUrl, grpcUrl, dataDir, appsDir, settings ?? []);
        await app.StartAsync();
        return new WaitServer(app, grpcUrl, restUrl);
    }

    public HttpClient Rest()
    {
        var http = new HttpClient { BaseAddress = new Uri(RestUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    public async Task<string> StartAsync(string workflow, params (string Name, string Value)[] variables)
    {
        var run = await Client.RunAsync(
            new RunRequest { AppId = "waits", Workflow = workflow, Variables = JobHelpers.Vars(variables), Wait = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.Zero) },
            Auth,
            JobHelpers.Deadline());
        return run.Job.Id;
    }

    public async Task<JobEvent> WatchUntilAsync(string jobId, Func<JobEvent, bool> predicate)
    {
        using var call = Client.WatchJob(new WatchJobRequest { JobId = jobId }, Auth, JobHelpers.Deadline());
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (predicate(call.ResponseStream.Current.Event))
            {
                return call.ResponseStream.Current.Event;
            }
        }

        throw new InvalidOperationException("the job ended before the awaited event");
    }

    public async Task<List<JobEvent>> WatchToEndAsync(string jobId)
    {
        using var call = Client.WatchJob(new WatchJobRequest { JobId = jobId }, Auth, JobHelpers.Deadline());
        var events = new List<JobEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current.Event);
        }

        return events;
    }

    public async Task<Job> GetAsync(string jobId) =>
        (await Client.GetJobAsync(new GetJobRequest { JobId = jobId }, Auth, JobHelpers.Deadline())).Job;

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
