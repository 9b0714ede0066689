using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Grpc.Health.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Observability;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Observability;

/// <summary>Liveness, readiness (a real store query with a time limit) and gRPC health reporting the same.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/healthz")]
    public async Task Health_StoreUp_HealthyWithoutAToken(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_server.RestUrl) };

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GrpcHealth_StoreUp_Serving()
    {
        var health = new Health.HealthClient(_server.Channel);

        var answer = await health.CheckAsync(new HealthCheckRequest { Service = "" }, deadline: JobHelpers.Deadline());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, answer.Status);
    }

    [Fact]
    public async Task StoreCheck_StoreHangs_UnhealthyWithinItsTimeout()
    {
        var check = new StoreHealthCheck(FakeStore.Create(_ => new TaskCompletionSource<JobRecord?>().Task), Timeout("00:00:00.200"));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the store did not answer within 0.2 s", result.Description);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StoreCheck_StoreRefusesConnections_UnhealthyNamingNoDetails()
    {
        var check = new StoreHealthCheck(
            FakeStore.Create(_ => Task.FromException<JobRecord?>(new SocketException((int)SocketError.ConnectionRefused))), Timeout(null));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the store is unreachable: SocketException", result.Description);
    }

    [Fact]
    public async Task StoreCheck_RealStore_QueriesIt()
    {
        var calls = 0;
        var check = new StoreHealthCheck(FakeStore.Create(id => { Interlocked.Increment(ref calls); return Task.FromResult<JobRecord?>(null); }), Timeout(null));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1, calls);
    }

    private static IConfiguration Timeout(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Workflows:Health:StoreTimeout"] = value }).Build();

    /// <summary>An <see cref="IJobStore"/> whose job lookup does what the test says (nothing else is called).</summary>
    public class FakeStore : DispatchProxy
    {
        private Func<Guid, Task<JobRecord?>> _lookup = null!;

        public static IJobStore Create(Func<Guid, Task<JobRecord?>> lookup)
        {
            var store = DispatchProxy.Create<IJobStore, FakeStore>();
            ((FakeStore)(object)store)._lookup = lookup;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IJobStore.GetJobAsync) && args?.Length == 2
                ? _lookup((Guid)args[0]!)
                : throw new NotSupportedException(targetMethod?.Name);
    }
}
