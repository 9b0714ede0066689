using System.Text.Json;
using Bench.Load;

// Prints progress to stderr and one line `RESULT {json}` to stdout for the harness (bench/Runner).
var options = new Options(args);
Dictionary<string, object?> result = options.Mode switch
{
    "unary" => await UnaryLoad.RunAsync(options),
    "watch" => await WatchFanOut.RunAsync(options),
    "start" => await StartJobs.RunAsync(options),
    "lateness" => await WakeLateness.RunAsync(options),
    _ => throw new ArgumentException($"unknown mode '{options.Mode}'"),
};
Console.Out.WriteLine("RESULT " + JsonSerializer.Serialize(result, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
return 0;

