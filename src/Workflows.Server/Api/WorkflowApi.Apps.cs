using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

/// <summary>App management and token minting (admin).</summary>
internal sealed partial class WorkflowApi
{
    public override async Task<PutAppResponse> PutApp(PutAppRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureAdmin();
        if (string.IsNullOrWhiteSpace(request.AppId) || request.AppId.Length > 200 || request.AppId.Contains('/', StringComparison.Ordinal))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "app_id must be 1 to 200 characters without '/'");
        }

        if (request.Workflows.Count == 0)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "an app needs at least one workflow");
        }

        var stored = new StoredApp(
            caller.OrganizationId,
            request.AppId,
            string.IsNullOrEmpty(request.Name) ? request.AppId : request.Name,
            string.IsNullOrEmpty(request.Slug) ? request.AppId.ToLowerInvariant() : request.Slug,
            request.Description,
            new Dictionary<string, string>(request.Workflows, StringComparer.Ordinal),
            DateTimeOffset.UtcNow);
        try
        {
            var app = await catalog.PutAppAsync(stored, context.CancellationToken);
            return new PutAppResponse { App = AppMapper.ToProto(app) };
        }
        catch (InvalidOperationException ex)
        {
            throw new EngineException(EngineErrorKind.AlreadyExists, ex.Message);
        }
    }

    public override Task<GetAppResponse> GetApp(GetAppRequest request, ServerCallContext context)
    {
        var app = VisibleApp(Caller.From(context), request.AppId);
        var response = new GetAppResponse { App = AppMapper.ToProto(app) };
        foreach (var (name, workflow) in app.Workflows)
        {
            response.Workflows[name] = workflow.Source;
        }

        return Task.FromResult(response);
    }

    public override Task<ListAppsResponse> ListApps(ListAppsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        var response = new ListAppsResponse();
        response.Apps.AddRange(catalog.ListApps(caller.OrganizationId).Where(a => caller.CanUseApp(a.Id)).Select(AppMapper.ToProto));
        return Task.FromResult(response);
    }

    public override async Task<DeleteAppResponse> DeleteApp(DeleteAppRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureAdmin();
        var app = VisibleApp(caller, request.AppId);
        if (app.Source != "api")
        {
            throw new EngineException(EngineErrorKind.FailedPrecondition, $"app '{app.Id}' comes from the apps folder; remove its folder instead");
        }

        if (!await catalog.DeleteAppAsync(caller.OrganizationId, app.Id, context.CancellationToken))
        {
            throw new EngineException(EngineErrorKind.NotFound, $"app '{request.AppId}' not found");
        }

        return new DeleteAppResponse();
    }

    public override Task<CreateTokenResponse> CreateToken(CreateTokenRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureAdmin();
        var maxMs = (long)tokenChecks.MaxLifetime.TotalMilliseconds;
        if (request.ExpiresInMs > maxMs && maxMs < (long)Workflows.Security.TokenIssuer.MaxLifetime.TotalMilliseconds)
        {
            // The issuer's own limit has its own message; this one is the server's (lower) limit.
            throw new EngineException(
                EngineErrorKind.InvalidArgument,
                $"expires_in_ms must be at most {maxMs} ({TokenChecks.Show(tokenChecks.MaxLifetime)}, this server's Workflows:Auth:MaxTokenLifetime)");
        }

        try
        {
            var issued = tokens.Create(
                caller.OrganizationId,
                request.Action,
                request.Subject,
                TimeSpan.FromMilliseconds(request.ExpiresInMs),
                request.RecipeIds.ToArray());
            return Task.FromResult(new CreateTokenResponse
            {
                Token = issued.Token,
                TokenId = issued.Id,
                ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(issued.ExpiresAt),
            });
        }
        catch (ArgumentException ex)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, ex.Message);
        }
    }

    private AppDefinition VisibleApp(Caller caller, string appId)
    {
        caller.EnsureCanRead();
        var app = catalog.GetApp(caller.OrganizationId, appId);
        return app is not null && caller.CanUseApp(app.Id)
            ? app
            : throw new EngineException(EngineErrorKind.NotFound, $"app '{appId}' not found");
    }
}
