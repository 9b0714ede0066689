using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Tests.Definitions;

public class LaunchVariableBinderTests
{
    private static WorkflowDefinition Workflow(params LaunchVariableDefinition[] variables) => new()
    {
        Name = "main",
        Title = "main",
        LaunchVariables = variables,
        Blocks = [],
        OutputVariables = [],
        Source = "",
    };

    private static LaunchVariableDefinition Var(string type, bool required = false, JsonNode? defaultValue = null) =>
        new("v", type, required, defaultValue, "");

    private static string Bind(string type, string inputJson) =>
        LaunchVariableBinder.Bind(Workflow(Var(type)), new JsonObject { ["v"] = JsonNode.Parse(inputJson) })["v"]!.ToJsonString();

    private static string BindError(string type, string inputJson) =>
        Assert.Throws<LaunchVariableException>(() => Bind(type, inputJson)).Message;

    [Fact]
    public void Bind_RequiredMissing_Throws()
    {
        var workflow = Workflow(new LaunchVariableDefinition("topic", "string", true, null, ""));

        Assert.Equal("launch variable 'topic' is required", Assert.Throws<LaunchVariableException>(() => LaunchVariableBinder.Bind(workflow, null)).Message);
        Assert.Throws<LaunchVariableException>(() => LaunchVariableBinder.Bind(workflow, new JsonObject { ["topic"] = null }));
    }

    [Fact]
    public void Bind_Missing_DefaultAppliedAsCopy()
    {
        var defaultValue = new JsonObject { ["k"] = 1 };
        var workflow = Workflow(new LaunchVariableDefinition("tone", "object", false, defaultValue, ""));

        var bound = LaunchVariableBinder.Bind(workflow, new JsonObject());
        bound["tone"]!["k"] = 2;

        Assert.Equal(1, defaultValue["k"]!.GetValue<int>());
        Assert.Equal(2, bound["tone"]!["k"]!.GetValue<int>());
    }

    [Fact]
    public void Bind_RequiredWithDefault_UsesDefault()
    {
        var workflow = Workflow(new LaunchVariableDefinition("tone", "string", true, JsonValue.Create("friendly"), ""));

        Assert.Equal("friendly", LaunchVariableBinder.Bind(workflow, null)["tone"]!.GetValue<string>());
    }

    [Fact]
    public void Bind_OptionalWithoutDefault_PresentAsNull()
    {
        var bound = LaunchVariableBinder.Bind(Workflow(Var("string")), null);

        Assert.True(bound.ContainsKey("v"));
        Assert.Null(bound["v"]);
    }

    [Fact]
    public void Bind_UndeclaredVariables_CopiedThrough()
    {
        var input = new JsonObject { ["v"] = "x", ["extra"] = new JsonArray(1, 2) };

        var bound = LaunchVariableBinder.Bind(Workflow(Var("string")), input);

        Assert.Equal("""{"v":"x","extra":[1,2]}""", bound.ToJsonString());
        Assert.NotSame(input, bound);
        Assert.Equal("""{"v":"x","extra":[1,2]}""", input.ToJsonString());
    }

    [Theory]
    [InlineData("string", "\"hi\"", "\"hi\"")]
    [InlineData("string", "3.5", "\"3.5\"")]
    [InlineData("string", "true", "\"true\"")]
    [InlineData("number", "3.5", "3.5")]
    [InlineData("number", "\"3.5\"", "3.5")]
    [InlineData("number", "\" 7 \"", "7")]
    [InlineData("number", "\"1e3\"", "1000")]
    [InlineData("integer", "3", "3")]
    [InlineData("integer", "\"3\"", "3")]
    [InlineData("integer", "3.0", "3")]
    [InlineData("integer", "\"-4.00\"", "-4")]
    [InlineData("boolean", "true", "true")]
    [InlineData("boolean", "\"TRUE\"", "true")]
    [InlineData("boolean", "\"False\"", "false")]
    [InlineData("boolean", "\"1\"", "true")]
    [InlineData("boolean", "\"0\"", "false")]
    [InlineData("boolean", "1", "true")]
    [InlineData("boolean", "0", "false")]
    [InlineData("object", "{\"a\":1}", "{\"a\":1}")]
    [InlineData("object", "\"{\\\"a\\\":1}\"", "{\"a\":1}")]
    [InlineData("array", "[1,2]", "[1,2]")]
    [InlineData("array", "\"[1, 2]\"", "[1,2]")]
    [InlineData("array", "\"solo\"", "[\"solo\"]")]
    [InlineData("array", "\"[draft] title\"", "[\"[draft] title\"]")]
    [InlineData("array", "5", "[5]")]
    [InlineData("array", "{\"a\":1}", "[{\"a\":1}]")]
    [InlineData("any", "{\"a\":[1]}", "{\"a\":[1]}")]
    [InlineData("any", "\"x\"", "\"x\"")]
    [InlineData("image", "\"https://x/y.png\"", "\"https://x/y.png\"")]
    [InlineData("file", "[\"a\",\"b\"]", "[\"a\",\"b\"]")]
    [InlineData("document", "\"doc\"", "\"doc\"")]
    public void Bind_Coercion_ConvertsValue(string type, string input, string expected)
    {
        Assert.Equal(expected, Bind(type, input));
    }

    [Theory]
    [InlineData("string", "{\"a\":1}", "launch variable 'v' must be a string, got {\"a\":1}")]
    [InlineData("string", "[1]", "launch variable 'v' must be a string, got [1]")]
    [InlineData("number", "\"abc\"", "launch variable 'v' must be a number, got \"abc\"")]
    [InlineData("number", "true", "launch variable 'v' must be a number, got true")]
    [InlineData("number", "\"NaN\"", "launch variable 'v' must be a number, got \"NaN\"")]
    [InlineData("integer", "\"abc\"", "launch variable 'v' must be an integer, got \"abc\"")]
    [InlineData("integer", "3.5", "launch variable 'v' must be an integer, got 3.5")]
    [InlineData("integer", "\"3.5\"", "launch variable 'v' must be an integer, got \"3.5\"")]
    [InlineData("integer", "false", "launch variable 'v' must be an integer, got false")]
    [InlineData("boolean", "\"yes\"", "launch variable 'v' must be a boolean, got \"yes\"")]
    [InlineData("boolean", "2", "launch variable 'v' must be a boolean, got 2")]
    [InlineData("boolean", "[true]", "launch variable 'v' must be a boolean, got [true]")]
    [InlineData("object", "[1]", "launch variable 'v' must be an object, got [1]")]
    [InlineData("object", "\"not json\"", "launch variable 'v' must be an object, got \"not json\"")]
    [InlineData("object", "\"[1]\"", "launch variable 'v' must be an object, got \"[1]\"")]
    [InlineData("object", "5", "launch variable 'v' must be an object, got 5")]
    [InlineData("image", "5", "launch variable 'v' must be an image (a string or a list of strings), got 5")]
    [InlineData("audio", "[\"a\",1]", "launch variable 'v' must be an audio (a string or a list of strings), got [\"a\",1]")]
    public void Bind_Coercion_RefusesWithMessage(string type, string input, string message)
    {
        Assert.Equal(message, BindError(type, input));
    }

    [Fact]
    public void Bind_NamedVariableInMessage()
    {
        var workflow = Workflow(new LaunchVariableDefinition("count", "integer", false, null, ""));

        var e = Assert.Throws<LaunchVariableException>(() => LaunchVariableBinder.Bind(workflow, new JsonObject { ["count"] = "abc" }));

        Assert.Equal("launch variable 'count' must be an integer, got \"abc\"", e.Message);
    }

    [Fact]
    public void Bind_LongValueInMessage_IsCut()
    {
        var message = BindError("integer", $"\"{new string('x', 500)}\"");

        Assert.True(message.Length < 200, message);
        Assert.EndsWith("…", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_TooManyVariables_Throws()
    {
        var input = new JsonObject();
        for (var i = 0; i < 1_001; i++)
        {
            input[$"v{i}"] = i;
        }

        var e = Assert.Throws<LaunchVariableException>(() => LaunchVariableBinder.Bind(Workflow(), input));

        Assert.Contains("too many launch variables", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_TooLarge_Throws()
    {
        var input = new JsonObject { ["big"] = new string('x', 11 * 1024 * 1024) };

        var e = Assert.Throws<LaunchVariableException>(() => LaunchVariableBinder.Bind(Workflow(), input));

        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
    }
}
