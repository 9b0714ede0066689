using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using Workflows.Engine.Storage;
using Workflows.Security;
using Workflows.Server.Files;
using Workflows.Server.Hosting;

namespace Workflows.Server.Auth;

/// <summary>
/// Everything keyed by the service's secrets: JWT bearer authentication on every endpoint but health (with proper error
/// bodies), token minting, signed download links and webhook secrets.
/// </summary>
internal static class AuthExtensions
{
    public static IServiceCollection AddWorkflowsSecurity(this IServiceCollection services, HostSettings settings)
    {
        // The key comes from the store, read at start (EngineStartup); everything keyed by it is made after that.
        var dataDirSecrets = new DataDirSecretStore(settings.Paths.DataDir);
        services.AddSingleton(sp => settings.Storage.IsInMemory
            ? new ServiceSecrets(dataDirSecrets, null, settings.Workflows.Auth.SigningKey, TimeProvider.System)
            : new ServiceSecrets(sp.GetRequiredService<ISecretStore>(), dataDirSecrets, settings.Workflows.Auth.SigningKey, TimeProvider.System));
        services.AddSingleton(sp => new TokenIssuer(sp.GetRequiredService<ServiceSecrets>().SigningKey, TimeProvider.System));
        services.AddSingleton(sp => new FileLinkSigner(sp.GetRequiredService<ServiceSecrets>().SigningKey, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Api.Agents.UploadLinks(new FileLinkSigner(
            sp.GetRequiredService<ServiceSecrets>().SigningKey, sp.GetRequiredService<TimeProvider>(), Api.Agents.UploadLinks.Purpose)));
        services.AddSingleton(sp => new WebhookSecrets(
            sp.GetRequiredService<ServiceSecrets>().Store, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ServiceSecrets>().ImportFrom));

        // Revoked tokens and the lifetime limit, checked on every call; the list is refreshed in the background
        // (a hosted service added with the background work, once the store is migrated).
        services.AddSingleton<RevokedTokens>();
        services.AddSingleton<TokenChecks>();

        // A singleton so the container disposes its cache at shutdown.
        services.AddSingleton(_ => new CachingTokenHandler(TimeProvider.System));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<CachingTokenHandler>((jwt, handler) =>
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(handler);
            });
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = TokenClaims.Issuer,
                ValidAudience = TokenClaims.Audience,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = TokenClaims.TokenId,
            };
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = TokenChecks.OnTokenValidated,
                // JwtBearer's own challenge is an empty 401, which gRPC clients read as "Bad gRPC response".
                OnChallenge = context =>
                {
                    context.HandleResponse();
                    var reason = context.AuthenticateFailure switch
                    {
                        SecurityTokenExpiredException => "the token has expired",
                        SecurityTokenNotYetValidException => "the token is not valid yet",
                        SecurityTokenInvalidAudienceException => "the token is for another audience",
                        SecurityTokenInvalidIssuerException => "the token has the wrong issuer",
                        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
                        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not accepted",
                        TokenRefusedException refused => refused.Message,
                        not null => "the token is not valid",
                        null => "a bearer token is required in the Authorization header",
                    };
                    if (!ErrorResponses.IsGrpc(context.HttpContext))
                    {
                        // RFC 6750: a 401 names the scheme (MCP clients read it to tell "no token" from "bad token").
                        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                            ? "Bearer"
                            : "Bearer error=\"invalid_token\"";
                    }

                    return ErrorResponses.WriteAsync(context.HttpContext, StatusCode.Unauthenticated, StatusCodes.Status401Unauthorized, reason);
                },
                OnForbidden = context => ErrorResponses.WriteAsync(
                    context.HttpContext, StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "this token may not make this call"),
            };
        });

        // After AddJwtBearer's own setup, which makes the validation parameters; read on the first request, after start.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<ServiceSecrets>((jwt, secrets) => jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(secrets.SigningKey));

        // No scheme on the policy: UseAuthentication has already run the default (bearer) scheme and set the user, and a
        // policy naming a scheme makes the policy evaluator authenticate again and merge a new principal on every call.
        services.AddAuthorization(authorization =>
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireClaim(TokenClaims.Organization)
                .Build());
        return services;
    }
}
