using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

[Collection(ServerCollection.Name)]
public sealed class LoadAndTokenTests(ServerFixture fixture)
{
    [Fact]
    public async Task Load_DefaultOrg_OrganisationAndAppsWithVariables()
    {
        var response = await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

        Assert.Equal("default", response.Organization.Id);
        Assert.Equal("Default Org", response.Organization.Name);
        var blog = Assert.Single(response.Apps, a => a.Id == "blog");
        Assert.Equal("Blog Writer", blog.Name);
        Assert.Equal("blog-writer", blog.Slug);
        var main = Assert.Single(blog.Workflows);
        Assert.Equal("main", main.Id);
        Assert.Equal("Write a post", main.Name);
        Assert.Empty(main.OutputVariables);
        var topic = Assert.Single(main.LaunchVariables, v => v.Name == "topic");
        Assert.True(topic.Required);
        Assert.Equal("string", topic.Type);
        Assert.Equal("What to write about", topic.Description);
        var tone = Assert.Single(main.LaunchVariables, v => v.Name == "tone");
        Assert.False(tone.Required);
        Assert.Equal("friendly", tone.DefaultValue.StringValue);

        var digest = Assert.Single(response.Apps, a => a.Id == "digest").Workflows.Single();
        Assert.Equal(["stats", "summary", "title"], digest.OutputVariables.Order(StringComparer.Ordinal));
        Assert.Equal(["text", "words"], digest.LaunchVariables.Select(v => v.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Load_ExecTokenLimitedToDigest_OnlyDigest()
    {
        var token = fixture.Token("default", "exec", "digest");

        var response = await fixture.Grpc().LoadAsync(new LoadRequest(), ServerFixture.Bearer(token), JobHelpers.Deadline());

        Assert.Equal(["digest"], response.Apps.Select(a => a.Id));
    }

    [Fact]
    public async Task CreateToken_Admin_MintsAWorkingScopedToken()
    {
        var created = await fixture.Grpc().CreateTokenAsync(
            new CreateTokenRequest { Action = "exec", Subject = "Workflow", ExpiresInMs = 3_600_000, RecipeIds = { "digest" } },
            ServerFixture.Bearer(fixture.AdminToken),
            JobHelpers.Deadline());

        Assert.False(string.IsNullOrEmpty(created.TokenId));
        var lifetime = created.ExpireTime.ToDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(lifetime, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        var run = await fixture.RunAsync(created.Token, "digest", ("text", "minted token works"));
        Assert.Equal(JobState.Succeeded, run.Job.State);
        Assert.Equal(created.TokenId, run.Job.CreatedBy);
        await JobHelpers.ThrowsStatusAsync(StatusCode.PermissionDenied, () => fixture.RunBlogAsync(created.Token));
    }

    [Fact]
    public async Task CreateToken_ExecCaller_PermissionDenied()
    {
        await JobHelpers.ThrowsStatusAsync(StatusCode.PermissionDenied, () =>
            fixture.Grpc().CreateTokenAsync(
                new CreateTokenRequest { Action = "admin", Subject = "Workflow", ExpiresInMs = 60_000 },
                ServerFixture.Bearer(fixture.ExecToken),
                JobHelpers.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task CreateToken_BadActionOrLifetime_InvalidArgument()
    {
        foreach (var request in new[]
        {
            new CreateTokenRequest { Action = "root", Subject = "Workflow", ExpiresInMs = 60_000 },
            new CreateTokenRequest { Action = "exec", Subject = "Workflow", ExpiresInMs = 0 },
        })
        {
            await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument, () =>
                fixture.Grpc().CreateTokenAsync(request, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline()).ResponseAsync);
        }
    }
}
