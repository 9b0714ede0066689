namespace Bench.Runner;

/// <summary>A request scenario: which server, which load generator, what it sends, and what it is divided by.</summary>
/// <param name="Name">Row label.</param>
/// <param name="Real">True for Workflows.Server, false for bench/Baseline.</param>
/// <param name="Grpc">True for bench/Load over h2c, false for wrk over HTTP/1.1.</param>
/// <param name="Target">The Load target (<c>grpc-echo</c>, <c>grpc-run</c>) or the REST path.</param>
/// <param name="Body">The REST body (JSON).</param>
/// <param name="Baseline">The baseline row's name; null for a baseline.</param>
internal sealed record Scenario(string Name, bool Real, bool Grpc, string Target, string Body, string? Baseline)
{
    public const string GrpcEcho = "bare gRPC echo";
    public const string RestEcho = "bare REST echo";
    public const string GrpcRun = "Run, gRPC (sync)";
    public const string RestRun = "apps/run, REST (sync)";
    public const string Exec = "workflow/exec, REST (async)";

    private const string RunBody = """{"appId":"bench","variables":{"topic":"otters"}}""";

    public static IReadOnlyList<Scenario> All { get; } =
    [
        new(GrpcEcho, false, true, "grpc-echo", "", null),
        new(RestEcho, false, false, "/echo", RunBody, null),
        new(GrpcRun, true, true, "grpc-run", "", GrpcEcho),
        new(RestRun, true, false, "/developer/v2/apps/run", RunBody, RestEcho),
        new(Exec, true, false, "/api/v1/workflow/exec", """{"workflow":"bench","args":{"json":{"topic":"otters"}}}""", RestEcho),
    ];
}
