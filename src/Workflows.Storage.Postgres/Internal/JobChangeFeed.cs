using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The LISTEN side of the job notifications: one dedicated connection listening on <see cref="JobNotifications.Channel"/>,
/// each notification handed to <c>committed</c> (or to <c>wake</c> when it asks for a wake-up), and <c>resync</c> called on every (re)connect and every resync interval,
/// since signals sent while the connection was down are lost. Reconnects with a doubling delay; never throws out of
/// <see cref="RunAsync"/> except when stopped.
/// </summary>
internal sealed partial class JobChangeFeed
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly Action<Guid, long> _committed;
    private readonly Action<Guid, long> _wake;
    private readonly Action _resync;
    private readonly TimeSpan _resyncInterval;
    private readonly TimeSpan _maxReconnectDelay;
    private readonly ILogger _logger;
    private TimeSpan _reconnectDelay = FirstReconnectDelay;

    public JobChangeFeed(PostgresStoreOptions options, Action<Guid, long> committed, Action resync, ILogger logger, Action<Guid, long>? wake = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgresStoreOptions.ConnectionString must be set.", nameof(options));
        }
        var settings = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            // A connection of its own, never pooled: a pooled one would be reset (UNLISTEN) whenever it went back.
            Pooling = false,
            TcpKeepAlive = true,
        };
        if (settings.KeepAlive == 0)
        {
            // While it only waits, a keepalive query is what finds out that the server or the network went away.
            settings.KeepAlive = 15;
        }
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "workflows-listener";
        }
        _connectionString = settings.ConnectionString;
        _committed = committed;
        _wake = wake ?? committed;
        _resync = resync;
        _resyncInterval = options.ResyncInterval > TimeSpan.Zero ? options.ResyncInterval : TimeSpan.FromSeconds(5);
        _maxReconnectDelay = options.MaxReconnectDelay >= FirstReconnectDelay ? options.MaxReconnectDelay : FirstReconnectDelay;
        _logger = logger;
    }

    /// <summary>Listens until <paramref name="stoppingToken"/> is cancelled, reconnecting whenever the connection fails.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: however the wait or the connection ended, it is not a failure.
                return;
            }
            catch (Exception exception)
            {
                // Npgsql's messages name the host and port at most, never the password.
                LogDisconnected(_logger, _reconnectDelay.TotalSeconds, exception);
            }

            try
            {
                await Task.Delay(_reconnectDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _reconnectDelay = TimeSpan.FromTicks(Math.Min(_reconnectDelay.Ticks * 2, _maxReconnectDelay.Ticks));
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        connection.Notification += OnNotification;
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand("LISTEN " + JobNotifications.Channel, connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        LogListening(_logger, JobNotifications.Channel);
        _reconnectDelay = FirstReconnectDelay;

        // Whatever was committed while nobody listened reached no watcher here.
        Resync();
        var nextResync = Stopwatch.GetTimestamp() + ToTimestamp(_resyncInterval);
        while (true)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextResync);
            if (wait <= TimeSpan.Zero)
            {
                Resync();
                nextResync = Stopwatch.GetTimestamp() + ToTimestamp(_resyncInterval);
                continue;
            }
            // Whole milliseconds, at least one: Npgsql takes a timeout of 0 as "wait forever".
            await connection.WaitAsync((int)Math.Max(1, Math.Ceiling(wait.TotalMilliseconds)), stoppingToken);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        if (!JobNotifications.TryParse(notification.Payload, out var jobId, out var lastSequence, out var wake))
        {
            LogIgnoredPayload(_logger, notification.Channel);
            return;
        }
        try
        {
            (wake ? _wake : _committed)(jobId, lastSequence);
        }
        catch (Exception exception)
        {
            // A faulty subscriber must not take the connection down with it.
            LogCallbackFault(_logger, jobId, exception);
        }
    }

    private void Resync()
    {
        try
        {
            _resync();
        }
        catch (Exception exception)
        {
            LogCallbackFault(_logger, Guid.Empty, exception);
        }
    }

    private static long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening for job changes on PostgreSQL channel {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The job change listener lost or could not open its PostgreSQL connection; retrying in {DelaySeconds} s")]
    private static partial void LogDisconnected(ILogger logger, double delaySeconds, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Ignored a notification on {Channel} whose payload is not a job change")]
    private static partial void LogIgnoredPayload(ILogger logger, string channel);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Handling a job change failed (job {JobId}; empty for a resync)")]
    private static partial void LogCallbackFault(ILogger logger, Guid jobId, Exception exception);
}
