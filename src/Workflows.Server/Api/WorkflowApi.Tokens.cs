using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

// Revoking tokens (minting is CreateToken, with the apps).
internal sealed partial class WorkflowApi
{
    private const int MaxTokenIdLength = 200;

    // Tokens a little past their expiry are still accepted (the validation's clock skew), so revocations outlive them by as much.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public override async Task<RevokeTokenResponse> RevokeToken(RevokeTokenRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureAdmin();
        var tokenId = request.TokenId;
        if (string.IsNullOrWhiteSpace(tokenId))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "token_id is required (the token's jti, as CreateToken returned it)");
        }

        if (tokenId.Length > MaxTokenIdLength || tokenId.Any(char.IsControl) || tokenId.Trim().Length != tokenId.Length)
        {
            throw new EngineException(
                EngineErrorKind.InvalidArgument, $"token_id must be at most {MaxTokenIdLength} characters, without control characters or surrounding spaces");
        }

        var now = time.GetUtcNow();
        DateTimeOffset expires;
        if (request.ExpireTime is null)
        {
            // No token accepted from now on lives past this: a longer lifetime is refused.
            expires = now + tokenChecks.MaxLifetime + ClockSkew;
        }
        else
        {
            try
            {
                expires = request.ExpireTime.ToDateTimeOffset() + ClockSkew;
            }
            catch (InvalidOperationException)
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, "expire_time is not a valid timestamp");
            }

            if (expires <= now)
            {
                throw new EngineException(
                    EngineErrorKind.InvalidArgument, "expire_time must be in the future (a token past its expiry is refused anyway)");
            }
        }

        var added = await revokedTokens.RevokeAsync(
            new TokenRevocation(caller.OrganizationId, tokenId, now, caller.TokenId, expires), context.CancellationToken);
        return new RevokeTokenResponse { TokenId = tokenId, ExpireTime = Timestamp.FromDateTimeOffset(expires), NewlyRevoked = added };
    }
}
