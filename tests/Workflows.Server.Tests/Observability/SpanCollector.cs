using System.Collections.ObjectModel;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Workflows.Engine.Diagnostics;

namespace Workflows.Server.Tests.Observability;

/// <summary>
/// An OpenTelemetry tracer provider of the test's own with the in-memory exporter: it receives every finished span of
/// the engine, the host's deliveries, ASP.NET Core and HttpClient in this process (tests pick theirs by job or trace id).
/// </summary>
public sealed class SpanCollector : IDisposable
{
    private readonly Spans _spans = new();
    private readonly TracerProvider _provider;

    public SpanCollector() =>
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(EngineTelemetry.Name, "Workflows.Server", "Microsoft.AspNetCore", "System.Net.Http")
            .AddInMemoryExporter(_spans)
            .Build()!;

    /// <summary>The spans exported so far.</summary>
    public IReadOnlyList<Activity> All => _spans.Snapshot();

    /// <summary>The <c>workflow.run</c> spans of a job, in start order.</summary>
    public IReadOnlyList<Activity> Runs(string jobId) =>
        [.. All.Where(s => s.OperationName == EngineTelemetry.RunSpan && (string?)s.GetTagItem(EngineTelemetry.JobIdTag) == jobId).OrderBy(s => s.StartTimeUtc)];

    /// <summary>Polls (no sleeps as synchronisation: the exporter runs when a span ends) until <paramref name="done"/> holds.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var spans = All;
            if (done(spans))
            {
                return spans;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("spans seen: " + string.Join(", ", spans.Select(s => s.DisplayName).Distinct()));
            }

            await Task.Delay(20);
        }
    }

    public void Dispose() => _provider.Dispose();

    // The exporter adds from whichever thread ends a span; tests read snapshots.
    private sealed class Spans : Collection<Activity>
    {
        private readonly Lock _lock = new();

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_lock)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
