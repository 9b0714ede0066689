using Microsoft.Extensions.Options;
using Workflows.Blocks.Models;
using Workflows.Blocks.Net;
using Workflows.Blocks.Scripting;
using Workflows.Engine.Apps;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs;
using Workflows.Engine.Retention;
using Workflows.Server.Delivery;

namespace Workflows.Server.Hosting;

/// <summary>The settings read while the service is put together: they decide which services exist.</summary>
/// <param name="Workflows">Folders, organisations and token settings (<c>Workflows</c>).</param>
/// <param name="Storage">The store (<c>Workflows:Storage</c>).</param>
/// <param name="Paths">The data and apps folders, made absolute.</param>
public sealed record HostSettings(WorkflowsOptions Workflows, StorageOptions Storage, DataPaths Paths);

/// <summary>
/// Every options class the service reads, each bound to its section here and nowhere else, and checked when the host
/// starts (<c>ValidateOnStart</c>); a bad value stops the start with a message naming its key.
/// </summary>
internal static class Settings
{
    public static HostSettings AddWorkflowsSettings(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Read once, now, because they choose the store and the folders; checked now for the same reason.
        var workflows = ReadNow<WorkflowsOptions>(services, configuration, WorkflowsOptions.Section, (o, p) =>
        {
            p.Require(!string.IsNullOrWhiteSpace(o.DataDir), nameof(o.DataDir), "must name a folder");
            p.Require(!string.IsNullOrWhiteSpace(o.AppsDir), nameof(o.AppsDir), "must name a folder");
            p.Require(o.Auth.RevocationRefreshInterval > TimeSpan.Zero, "Auth:RevocationRefreshInterval",
                $"must be a positive duration (it is {o.Auth.RevocationRefreshInterval})");
            p.Require(o.Auth.MaxTokenLifetime > TimeSpan.Zero, "Auth:MaxTokenLifetime", $"must be a positive duration (it is {o.Auth.MaxTokenLifetime})");
        });
        var storage = ReadNow<StorageOptions>(services, configuration, StorageOptions.Section, (o, p) =>
        {
            p.Require(o.IsPostgres || StorageOptions.Providers.Contains(o.Provider, StringComparer.OrdinalIgnoreCase), nameof(o.Provider),
                $"'{o.Provider}' is not known; use {string.Join(", ", StorageOptions.Providers)}");
            p.Require(!o.IsPostgres || !string.IsNullOrWhiteSpace(o.ConnectionString), nameof(o.ConnectionString),
                "is required when Workflows:Storage:Provider is Postgres");
        });
        var paths = DataPaths.From(workflows, builder.Environment);
        services.AddSingleton(paths);

        Bind<JobOptions>(services, JobOptions.SectionName, (o, p) =>
        {
            p.NotNegative(o.DefaultWait);
            p.Positive(o.SyncWait);
            p.Positive(o.MaxDuration);
            p.Positive(o.IdempotencyKeyTtl);
            p.NotNegative(o.CommitRetryWindow);
        });
        Bind<NodeOptions>(services, NodeOptions.SectionName, (o, p) =>
        {
            p.Positive(o.HeartbeatInterval);
            p.Require(o.LeaseDuration >= o.HeartbeatInterval * 2, nameof(o.LeaseDuration),
                $"must be at least twice Workflows:Node:HeartbeatInterval (it is {o.LeaseDuration}, the interval {o.HeartbeatInterval})");
        });
        Bind<LimitOptions>(services, LimitOptions.SectionName, (o, p) =>
        {
            p.NotNegative(o.RequestsPerSecond);
            p.NotNegative(o.Burst);
            p.NotNegative(o.MaxConcurrentJobs);
            p.Require(o.RequestsPerSecond == 0 || o.Burst >= 1, nameof(o.Burst), "must be at least 1 when RequestsPerSecond is set");
        });
        Bind<ScriptOptions>(services, ScriptOptions.SectionName, (o, p) =>
        {
            p.Positive(o.TimeoutMs);
            p.Positive(o.MemoryLimitBytes);
            p.Positive(o.RecursionLimit);
            p.Positive(o.MaxStatements);
            p.Positive(o.MaxConcurrency);
        });
        Bind<Engine.Caching.CacheOptions>(services, Engine.Caching.CacheOptions.SectionName, (o, p) =>
        {
            p.NotNegative(o.TemplateBytes);
            p.NotNegative(o.ScriptBytes);
            p.NotNegative(o.DefinitionBytes);
        });
        Bind<OutboundOptions>(services, OutboundOptions.SectionName, (o, p) =>
        {
            p.Positive(o.MaxResponseBytes);
            p.Positive(o.DefaultTimeout);
            p.NotNegative(o.RetryDelay);
        });
        // Its providers are checked by the blocks' own validator, which knows what a provider needs.
        Bind<ModelOptions>(services, ModelOptions.SectionName, (_, _) => { });
        Bind<DeliveryOptions>(services, DeliveryOptions.SectionName, (o, p) =>
        {
            p.Positive(o.PollInterval);
            p.Positive(o.AttemptTimeout);
            p.Positive(o.ClaimLease);
            p.NotNegative(o.RetryPeriod);
            p.Positive(o.InitialBackoff);
            p.Require(o.MaxBackoff >= o.InitialBackoff, nameof(o.MaxBackoff), "must not be shorter than InitialBackoff");
            p.Positive(o.ProgressBatchSize);
            p.Positive(o.ProgressAttempts);
            p.NotNegative(o.ProgressRetryDelay);
        });
        Bind<RetentionOptions>(services, RetentionOptions.SectionName, (o, p) =>
        {
            p.NotNegative(o.MaxAge);
            p.Positive(o.Interval);
            p.Positive(o.BatchSize);
        });
        Bind<Engine.Schedules.ScheduleOptions>(services, Engine.Schedules.ScheduleOptions.SectionName, (o, p) => p.Positive(o.RefreshInterval));
        Bind<AppCatalogOptions>(services, AppCatalogOptions.SectionName, (_, _) => { })
            .PostConfigure(o => o.AppsDir = paths.AppsDir);
        // The store lives in DATA_DIR/files unless Workflows:Files:RootPath says otherwise; on PostgreSQL, where nodes share
        // nothing but the database, files live in the database unless Workflows:Files:Store says Disk.
        services.Configure<FileStoreOptions>(o =>
        {
            o.RootPath = Path.Combine(paths.DataDir, "files");
            o.Store = storage.IsPostgres ? FileStoreOptions.DatabaseStore : FileStoreOptions.DiskStore;
        });
        Bind<FileStoreOptions>(services, FileStoreOptions.SectionName, (o, p) =>
        {
            // MaxFileBytes and RootPath are checked where the file store is registered (AddWorkflowFiles).
            p.Positive(o.FetchTimeout);
            p.Require(o.UsesDatabase || string.Equals(o.Store, FileStoreOptions.DiskStore, StringComparison.OrdinalIgnoreCase), nameof(o.Store),
                $"'{o.Store}' is not known; use {FileStoreOptions.DatabaseStore} or {FileStoreOptions.DiskStore}");
            p.Require(o.PublicBaseUrl is null or "" || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), nameof(o.PublicBaseUrl),
                "must be an absolute URL");
        });

        return new HostSettings(workflows, storage, paths);
    }

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>, checked by <paramref name="rules"/> at start.</summary>
    private static OptionsBuilder<T> Bind<T>(IServiceCollection services, string section, Action<T, SettingProblems> rules)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SettingRules<T>(section, rules));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>Reads <typeparamref name="T"/> now, refuses it now when a rule fails, and registers the instance as its options.</summary>
    private static T ReadNow<T>(IServiceCollection services, ConfigurationManager configuration, string section, Action<T, SettingProblems> rules)
        where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        var result = new SettingRules<T>(section, rules).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(T), result.Failures);
        }

        services.AddSingleton(Options.Create(options));
        return options;
    }

    /// <summary>The refused settings behind a failed start, or none when <paramref name="error"/> is about something else.</summary>
    public static IReadOnlyList<string> Refusals(Exception error) => error switch
    {
        OptionsValidationException refused => [.. refused.Failures],
        AggregateException all when all.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. all.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures)],
        _ => [],
    };
}
