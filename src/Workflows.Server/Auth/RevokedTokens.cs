using Microsoft.Extensions.Options;
using Workflows.Engine.Storage;
using Workflows.Server.Hosting;

namespace Workflows.Server.Auth;

/// <summary>
/// The revoked tokens, kept in memory so checking a call costs one set lookup: read from the store when the node starts
/// (before it serves) and again every <see cref="AuthOptions.RevocationRefreshInterval"/>, so a revocation stored through
/// another node is honoured here within that interval; one made through this node is in the set before
/// <see cref="RevokeAsync"/> returns. Once every 10 minutes the store forgets revocations of tokens that have expired.
/// While the store does not answer, the last list read stays in force.
/// </summary>
internal sealed partial class RevokedTokens(
    ITokenRevocationStore store, TimeProvider time, IOptions<WorkflowsOptions> options, ILogger<RevokedTokens> logger) : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();

    // Replaced, never changed, so readers need no lock.
    private volatile HashSet<(string OrganizationId, string TokenId)> _revoked = [];

    // Revocations made through this node, numbered, that a refresh started before them may not have read yet.
    private readonly Dictionary<(string OrganizationId, string TokenId), long> _local = [];
    private long _localCount;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    /// <summary>How many tokens are revoked now (for tests and logs).</summary>
    public int Count => _revoked.Count;

    /// <summary>Whether the token <paramref name="tokenId"/> of <paramref name="organizationId"/> is revoked.</summary>
    public bool IsRevoked(string organizationId, string tokenId) =>
        tokenId.Length > 0 && _revoked is { Count: > 0 } revoked && revoked.Contains((organizationId, tokenId));

    /// <summary>Stores the revocation, then refuses the token on this node at once.</summary>
    public async Task<bool> RevokeAsync(TokenRevocation revocation, CancellationToken cancellationToken)
    {
        var added = await store.RevokeTokenAsync(revocation, cancellationToken);
        var key = (revocation.OrganizationId, revocation.TokenId);
        lock (_lock)
        {
            _local[key] = ++_localCount;
            _revoked = new HashSet<(string, string)>(_revoked) { key };
        }

        return added;
    }

    /// <summary>Reads the list once before the node serves: a revoked token is never let through by a fresh node.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Reads the revoked tokens from the store and makes them the set in force.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // A revocation made here is stored before it is numbered, so one numbered before this read began is in the read.
        long before;
        lock (_lock)
        {
            before = _localCount;
        }

        var stored = await store.ListTokenRevocationsAsync(time.GetUtcNow(), cancellationToken);
        var revoked = new HashSet<(string, string)>(stored.Select(r => (r.OrganizationId, r.TokenId)));
        lock (_lock)
        {
            foreach (var (key, number) in _local.ToList())
            {
                if (number > before)
                {
                    revoked.Add(key);
                }
                else
                {
                    _local.Remove(key);
                }
            }

            if (!revoked.SetEquals(_revoked))
            {
                _revoked = revoked;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Auth.RevocationRefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await RefreshAsync(stoppingToken);
                var now = time.GetUtcNow();
                if (now - _lastPrune >= PruneInterval)
                {
                    _lastPrune = now;
                    await store.PruneTokenRevocationsAsync(now, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRefreshFailed(logger, ex.GetType().Name, ex.Message, Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the revoked tokens ({Error}: {Message}); the {Count} known stay revoked")]
    private static partial void LogRefreshFailed(ILogger logger, string error, string message, int count);
}
