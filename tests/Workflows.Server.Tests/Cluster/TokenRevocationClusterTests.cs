using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// A revocation made through one node is honoured by the other within <c>Workflows:Auth:RevocationRefreshInterval</c>
/// (default 2 s), though the other node had just accepted (and remembered) the token; on the node that revoked it, at once.
/// </summary>
public sealed class TokenRevocationClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    // A refresh is a query plus a set swap; the slack covers a loaded test machine.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> Apps = new()
    {
        ["echo"] = """
            name: Echo
            blocks:
              - { id: out, type: output, value: "hi" }
            """,
    };

    [PostgresFact]
    public async Task RevokeThroughNodeA_NodeBRefusesTheTokenWithinTheRefreshInterval()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var cancel = limit.Token;
        await using var cluster = await Cluster.StartAsync(2, Apps, cancel);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        try
        {
            var minted = await a.Client.CreateTokenAsync(
                new CreateTokenRequest { Action = "exec", Subject = "Workflow", ExpiresInMs = 3_600_000 }, cluster.Auth, Deadline(), cancel);
            var token = ServerFixture.Bearer(minted.Token);
            await b.Client.LoadAsync(new LoadRequest(), token, Deadline(), cancel);
            await a.Client.LoadAsync(new LoadRequest(), token, Deadline(), cancel);

            using var rest = cluster.Rest(a);
            var revoked = await rest.PostJsonAsync($"/v1/tokens/{minted.TokenId}:revoke", new JsonObject());
            var clock = Stopwatch.StartNew();
            Assert.True(revoked.Status == HttpStatusCode.OK, revoked.ToString());

            // Node A: at once.
            var onA = await Assert.ThrowsAsync<RpcException>(() => a.Client.LoadAsync(new LoadRequest(), token, Deadline(), cancel).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, onA.StatusCode);

            // Node B: within the interval, polled until a deadline well past it.
            var deadline = RefreshInterval + Slack + TimeSpan.FromSeconds(5);
            RpcException? refused = null;
            while (refused is null && clock.Elapsed < deadline)
            {
                try
                {
                    await b.Client.LoadAsync(new LoadRequest(), token, Deadline(), cancel);
                    await Task.Delay(25, cancel);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
                {
                    refused = e;
                }
            }

            var took = clock.Elapsed;
            output.WriteLine($"node B refused the token revoked through node A after {took.TotalMilliseconds:0} ms");
            Assert.NotNull(refused);
            Assert.Equal("the token has been revoked", refused.Status.Detail);
            Assert.True(took <= RefreshInterval + Slack, $"node B took {took} to honour the revocation");

            using var restB = new HttpClient { BaseAddress = new Uri(b.RestUrl) };
            restB.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", minted.Token);
            var onB = await restB.GetJsonAsync("/v1/load");
            Assert.Equal(HttpStatusCode.Unauthorized, onB.Status);
            JsonAssert.IsError(onB, "revoked");

            // The cluster's admin token is untouched on both.
            await b.Client.LoadAsync(new LoadRequest(), cluster.Auth, Deadline(), cancel);
            await a.Client.LoadAsync(new LoadRequest(), cluster.Auth, Deadline(), cancel);
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(15);
}
