using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hosting;

/// <summary>Bad configuration stops the start, and the refusal names the setting to change.</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-settings-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("Workflows:Jobs:SyncWait", "-00:00:01", "Workflows:Jobs:SyncWait must be a positive duration")]
    [InlineData("Workflows:Auth:RevocationRefreshInterval", "00:00:00", "Workflows:Auth:RevocationRefreshInterval must be a positive duration")]
    [InlineData("Workflows:Auth:MaxTokenLifetime", "-1.00:00:00", "Workflows:Auth:MaxTokenLifetime must be a positive duration")]
    [InlineData("Workflows:Jobs:IdempotencyKeyTtl", "00:00:00", "Workflows:Jobs:IdempotencyKeyTtl must be a positive duration")]
    [InlineData("Workflows:Node:LeaseDuration", "00:00:19", "Workflows:Node:LeaseDuration must be at least twice Workflows:Node:HeartbeatInterval")]
    [InlineData("Workflows:Node:HeartbeatInterval", "00:00:00", "Workflows:Node:HeartbeatInterval must be a positive duration")]
    [InlineData("Workflows:Limits:MaxConcurrentJobs", "-1", "Workflows:Limits:MaxConcurrentJobs must not be negative")]
    [InlineData("Workflows:Limits:Burst", "0", "Workflows:Limits:Burst must be at least 1 when RequestsPerSecond is set")]
    [InlineData("Workflows:Scripts:TimeoutMs", "0", "Workflows:Scripts:TimeoutMs must be positive")]
    [InlineData("Workflows:Outbound:DefaultTimeout", "00:00:00", "Workflows:Outbound:DefaultTimeout must be a positive duration")]
    [InlineData("Workflows:Delivery:MaxBackoff", "00:00:00.5", "Workflows:Delivery:MaxBackoff must not be shorter than InitialBackoff")]
    [InlineData("Workflows:Retention:BatchSize", "0", "Workflows:Retention:BatchSize must be positive")]
    [InlineData("Workflows:Files:MaxFileBytes", "0", "Workflows:Files:MaxFileBytes must be positive")]
    [InlineData("Workflows:Files:PublicBaseUrl", "not a url", "Workflows:Files:PublicBaseUrl must be an absolute URL")]
    [InlineData("Workflows:Files:Store", "Cloud", "Workflows:Files:Store 'Cloud' is not known; use Database or Disk")]
    [InlineData("Workflows:Models:DefaultProvider", "nowhere", "Workflows:Models:DefaultProvider names provider 'nowhere'")]
    public void Build_BadSetting_RefusedNamingTheSetting(string key, string value, string expected)
    {
        var refused = Assert.ThrowsAny<Exception>(() => Build((key, value)));

        Assert.Contains(Settings(refused), failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Workflows:Storage:Provider", "Oracle", "Workflows:Storage:Provider 'Oracle' is not known; use Sqlite, Postgres, InMemory")]
    [InlineData("Workflows:Storage:Provider", "Postgres", "Workflows:Storage:ConnectionString is required when Workflows:Storage:Provider is Postgres")]
    [InlineData("Workflows:DataDir", " ", "Workflows:DataDir must name a folder")]
    public void Build_BadStoreOrFolder_RefusedBeforeAnythingIsCreated(string key, string value, string expected)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Build((key, value)));

        Assert.Contains(expected, refused.Failures);
        Assert.False(Directory.Exists(_dataDir));
    }

    [Fact]
    public void Build_SeveralBadSettings_RefusesThemAllAtOnce()
    {
        var refused = Assert.ThrowsAny<Exception>(() => Build(("Workflows:Jobs:SyncWait", "0"), ("Workflows:Node:HeartbeatInterval", "0")));

        Assert.Contains(Settings(refused), failure => failure.StartsWith("Workflows:Jobs:SyncWait", StringComparison.Ordinal));
        Assert.Contains(Settings(refused), failure => failure.StartsWith("Workflows:Node:HeartbeatInterval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_DefaultSettings_Starts()
    {
        await using var app = Build();

        await app.StartAsync();
        await app.StopAsync();
    }

    private WebApplication Build(params (string Key, string Value)[] settings) =>
        TestHost.Build(
            $"http://127.0.0.1:{FreePort.Next()}",
            $"http://127.0.0.1:{FreePort.Next()}",
            _dataDir,
            Path.Combine(_dataDir, "apps"),
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));

    private static IEnumerable<string> Settings(Exception refused) => refused switch
    {
        OptionsValidationException one => one.Failures,
        AggregateException all => all.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures),
        _ => throw new Xunit.Sdk.XunitException($"start failed for another reason: {refused}"),
    };

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
