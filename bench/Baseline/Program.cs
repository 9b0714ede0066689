using Bench.Baseline;

// Same Kestrel settings as the real server: endpoints from configuration (Rest = HTTP/1.1, Grpc = h2c, moved by
// the harness through Kestrel__Endpoints__*__Url), the same request body limit, no auth, no store.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGrpc();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 32 * 1024 * 1024);

var app = builder.Build();
app.MapGrpcService<EchoApi>();
app.MapPost("/echo", (EchoBody body) => body);
app.MapGet("/healthz", () => "Healthy");
app.Run();
