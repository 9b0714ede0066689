using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

/// <summary>Reflection, health and authentication as a plain gRPC client sees them.</summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcPlatformTests(ServerFixture fixture)
{
    [Fact]
    public async Task ServerReflection_ListServices_IncludesWorkflowService()
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Channel);
        using var call = client.ServerReflectionInfo(ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("workflows.v1.WorkflowService", services);
    }

    [Fact]
    public async Task HealthCheck_WithoutToken_Serving()
    {
        var client = new Health.HealthClient(fixture.Channel);

        var response = await client.CheckAsync(new HealthCheckRequest(), deadline: JobHelpers.Deadline());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Load_NoToken_Unauthenticated()
    {
        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () =>
            fixture.Grpc().LoadAsync(new LoadRequest(), deadline: JobHelpers.Deadline()).ResponseAsync);
        Assert.DoesNotContain("Bad gRPC response", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJvcmciOiJkZWZhdWx0IiwiYWN0IjoiYWRtaW4ifQ.")]
    public async Task Run_BadToken_Unauthenticated(string token)
    {
        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () => fixture.RunBlogAsync(token));
        Assert.DoesNotContain("Bad gRPC response", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ExpiredToken_Unauthenticated()
    {
        var expired = fixture.TokenAt(DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromHours(1));

        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () => fixture.RunBlogAsync(expired));
        Assert.Contains("expired", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchJob_NoToken_Unauthenticated()
    {
        using var call = fixture.Grpc().WatchJob(new WatchJobRequest { JobId = Guid.NewGuid().ToString() }, deadline: JobHelpers.Deadline());
        await JobHelpers.ThrowsStatusAsync(StatusCode.Unauthenticated, () => call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task PutApp_ExecToken_PermissionDenied()
    {
        var request = new PutAppRequest { AppId = "not-allowed" };
        request.Workflows["main"] = "name: x\nblocks:\n  - id: out\n    type: output\n    value: x\n";

        await JobHelpers.ThrowsStatusAsync(StatusCode.PermissionDenied, () =>
            fixture.Grpc().PutAppAsync(request, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            fixture.Grpc().GetAppAsync(new GetAppRequest { AppId = "not-allowed" }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline()).ResponseAsync);
    }
}
