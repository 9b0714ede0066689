using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Workflows.Engine.Diagnostics;

namespace Workflows.Server.Observability;

/// <summary>
/// Traces, metrics, logs and health (SPEC.md, "Observability"; docs/observability.md). OpenTelemetry is configured by the
/// standard <c>OTEL_*</c> variables: metrics are always collected (the Prometheus scrape at <c>/metrics</c> needs no
/// setting), and go out over OTLP only when an OTLP endpoint is set. The spans of requests, HttpClient and Npgsql are
/// made only when traces go out: filling spans nobody reads cost about 5 % of a sync run's CPU (bench/README.md). The
/// engine's own spans are always made, so its logs carry a trace id and its calls pass <c>traceparent</c> on.
/// </summary>
internal static class ObservabilityExtensions
{
    /// <summary>The tag of the health checks <c>/healthz/ready</c> and gRPC health run.</summary>
    public const string ReadyTag = "ready";

    private static readonly string[] SkippedPaths = ["/metrics", "/healthz"];

    /// <summary>OpenTelemetry with the engine's spans and instruments, the readiness check, and job-scoped structured logs.</summary>
    public static WebApplicationBuilder AddWorkflowsObservability(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlp = new OtlpSignals(configuration);
        var telemetry = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
        {
            // OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) wins when set.
            telemetry.ConfigureResource(resource => resource.AddService("workflows", serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId));
        }

        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(EngineTelemetry.Name, DeliveryTracing.SourceName);
            if (otlp.Traces)
            {
                tracing.AddAspNetCoreInstrumentation(options => options.Filter = context => !IsSkipped(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddOtlpExporter();
            }
        });
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(EngineTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter();
            if (otlp.Metrics)
            {
                metrics.AddOtlpExporter();
            }
        });
        if (otlp.Logs)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeScopes = true;
                logging.AddOtlpExporter();
            });
        }

        // job_id and trace_id are scopes (JobRunner): the JSON console (Logging:Console:FormatterName=json) writes them.
        builder.Services.Configure<JsonConsoleFormatterOptions>(json => json.IncludeScopes = true);
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        builder.Services.AddHostedService<WaitingJobsSampler>();
        return builder;
    }

    /// <summary><c>/metrics</c> (Prometheus text), <c>/healthz/live</c> and <c>/healthz/ready</c>; all anonymous, as probes and scrapers are.</summary>
    public static WebApplication MapWorkflowsObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        // Live: the process answers (no check runs). Ready: the store answers a query in time.
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }

    private static bool IsSkipped(PathString path) =>
        Array.Exists(SkippedPaths, skipped => path.StartsWithSegments(skipped, StringComparison.OrdinalIgnoreCase));

    // Which signals go out over OTLP: all with OTEL_EXPORTER_OTLP_ENDPOINT, one with its own endpoint variable.
    private sealed class OtlpSignals(IConfiguration configuration)
    {
        private readonly bool _all = IsSet(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT");

        public bool Traces => _all || IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

        public bool Metrics => _all || IsSet(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");

        public bool Logs => _all || IsSet(configuration, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT");

        private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
    }
}
