using System.Threading.RateLimiting;
using Workflows.Engine.Storage;

namespace Workflows.Server.Hosting;

/// <summary>
/// One organisation's request rate on a node of a cluster: the token bucket lives in the database
/// (<see cref="ISharedLimitStore.TakeRequestTokensAsync"/>), and this node takes tokens from it a batch at a time
/// (<see cref="BatchFor"/>), spending them locally, so a request reaches the database for its rate only once per batch.
/// Tokens a node took and did not spend within <see cref="TokenLifetime"/> are dropped, so what the nodes accept over any
/// interval exceeds the bucket's figure (burst + rate × interval) by at most one batch per node. After a refusal the
/// node refuses locally until the bucket has a token again. When the database cannot be asked, the request is let through
/// (it then meets the database's outage itself).
/// </summary>
internal sealed class SharedRequestLimiter(ISharedLimitStore store, string organizationId, int perSecond, int burst, TimeProvider time)
    : RateLimiter
{
    /// <summary>How long tokens a node took stay spendable.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly int _batch = BatchFor(perSecond, burst);
    private int _tokens;
    private long _tokensTakenAt;
    private long _refusedUntil;
    private long _lastUsed = time.GetTimestamp();
    private Task<RequestTokens>? _taking;

    /// <summary>Tokens a node takes at once: a twentieth of the rate (at most 50), at least 1, never more than the burst.</summary>
    public static int BatchFor(int perSecond, int burst) => Math.Clamp(Math.Min(perSecond / 20, 50), 1, Math.Max(1, burst));

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => _taking is null ? time.GetElapsedTime(Interlocked.Read(ref _lastUsed)) : null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new() { CurrentAvailablePermits = _tokens };

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Interlocked.Exchange(ref _lastUsed, time.GetTimestamp());
        lock (_lock)
        {
            return TrySpend(permitCount) ? Lease.Granted : Lease.NotNow;
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            Task<RequestTokens> taking;
            lock (_lock)
            {
                if (TrySpend(permitCount))
                {
                    return Lease.Granted;
                }

                var now = time.GetTimestamp();
                if (now < _refusedUntil || round >= 4)
                {
                    return Lease.Refused(RetryAfter(now));
                }

                taking = _taking ??= TakeAsync(Math.Max(_batch, permitCount));
            }

            RequestTokens got;
            try
            {
                got = await taking.WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lock (_lock)
                {
                    if (_taking == taking)
                    {
                        _taking = null;
                    }
                }

                return Lease.Granted;
            }

            lock (_lock)
            {
                if (_taking == taking)
                {
                    _taking = null;
                    var now = time.GetTimestamp();
                    if (got.Granted > 0)
                    {
                        _tokens = got.Granted;
                        _tokensTakenAt = now;
                    }
                    else
                    {
                        _refusedUntil = now + (long)(got.RetryAfter.TotalSeconds * time.TimestampFrequency);
                    }
                }
            }
        }
    }

    private Task<RequestTokens> TakeAsync(int want) =>
        store.TakeRequestTokensAsync(organizationId, want, perSecond, burst, CancellationToken.None);

    // Under the lock.
    private bool TrySpend(int permitCount)
    {
        if (permitCount == 0)
        {
            return true;
        }

        if (_tokens > 0 && time.GetElapsedTime(_tokensTakenAt) > TokenLifetime)
        {
            _tokens = 0;
        }

        if (_tokens < permitCount)
        {
            return false;
        }

        _tokens -= permitCount;
        return true;
    }

    private TimeSpan RetryAfter(long now) =>
        _refusedUntil > now ? TimeSpan.FromSeconds((double)(_refusedUntil - now) / time.TimestampFrequency) : TimeSpan.FromSeconds(1.0 / perSecond);

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease NotNow = new(false, null);

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
