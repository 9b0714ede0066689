using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Workflows.Cli.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Workflows.Cli.Tests;

/// <summary>The served <c>.flow</c> schema, run through a JSON Schema 2020-12 validator as an editor would: every sample
/// app passes, and a file the engine refuses for a wrong block type or an unknown option is flagged.</summary>
[Collection(CliServerCollection.Name)]
public sealed class FlowSchemaTests(CliServer server)
{
    [Fact]
    public async Task SampleApps_AreValid()
    {
        var schema = await SchemaAsync();

        var flows = Directory.EnumerateFiles(Repo.Path("apps"), "*.flow", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestApps"), "*.flow", SearchOption.AllDirectories))
            .ToList();
        Assert.True(flows.Count >= 8, $"{flows.Count} flows");
        foreach (var flow in flows)
        {
            var result = schema.Evaluate(ToJson(await File.ReadAllTextAsync(flow)), new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{flow}: {Describe(result)}");
        }
    }

    [Theory]
    [InlineData("blocks:\n  - id: a\n    type: no_such_block\n")]
    [InlineData("blocks:\n  - id: a\n    type: template\n    text: hi\n    colour: red\n")]
    [InlineData("blocks:\n  - id: a\n    type: template\n")]
    [InlineData("blocks:\n  - id: a\n    type: generate_text\n    prompt: hi\n    temperature: [1]\n")]
    [InlineData("name: no blocks\n")]
    [InlineData("launchVariables:\n  topic: { type: text }\nblocks:\n  - id: a\n    type: template\n    text: hi\n")]
    public async Task Mistakes_AreFlagged(string flow)
    {
        var schema = await SchemaAsync();

        Assert.False(schema.Evaluate(ToJson(flow)).IsValid, flow);
    }

    private async Task<JsonSchema> SchemaAsync()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(server.RestUrl + "/schemas/flow.json"));
        // A base URI of its own each time: the validator keeps built schemas in a process-wide registry by URI.
        return JsonSchema.FromText(text, baseUri: new Uri($"{server.RestUrl}/schemas/flow.json?build={Guid.NewGuid():N}"));
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    // YAML as an editor's language server reads it: plain scalars become numbers, booleans and null.
    private static JsonElement ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return JsonSerializer.SerializeToElement(Convert(stream.Documents[0].RootNode));
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonValue? Plain(string text) =>
        text is "" or "null" or "~" ? null
        : text is "true" or "false" ? JsonValue.Create(text == "true")
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole)
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
        : JsonValue.Create(text);
}
