using Workflows.Engine.Definitions;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Definitions;

public class WorkflowParserErrorTests
{
    public static TheoryData<string, string, int, string> Cases => new()
    {
        {
            "yaml syntax",
            "name: x\nblocks:\n  - id: a\n   type: test-echo\n",
            4, "invalid YAML"
        },
        {
            "unterminated flow sequence",
            "name: x\nblocks: [ { id: a, type: test-echo }\nfoo: 1\n",
            2, "invalid YAML"
        },
        {
            "duplicate key",
            "name: x\nname: y\nblocks: []\n",
            2, "Duplicate key"
        },
        {
            "unknown block type",
            "blocks:\n  - id: a\n    type: test-echo\n  - id: b\n    type: nope\n",
            5, "unknown block type 'nope' (known types: test-echo, test-fail, test-output, test-record)"
        },
        {
            "duplicate id",
            "blocks:\n  - id: a\n    type: test-echo\n  - id: a\n    type: test-echo\n",
            4, "duplicate block id 'a' (first used on line 2)"
        },
        {
            "bad id",
            "blocks:\n  - type: test-echo\n    id: 1abc\n",
            3, "block id '1abc' is invalid"
        },
        {
            "id with dash",
            "blocks:\n  - { id: my-block, type: test-echo }\n",
            2, "block id 'my-block' is invalid"
        },
        {
            "reserved id",
            "blocks:\n  - id: ok\n    type: test-echo\n  - id: launchVariables\n    type: test-echo\n",
            4, "block id 'launchVariables' is reserved"
        },
        {
            "missing id",
            "blocks:\n  - type: test-echo\n",
            2, "block has no 'id'"
        },
        {
            "missing type",
            "blocks:\n  - id: a\n",
            2, "block 'a' has no 'type'"
        },
        {
            "unknown after",
            "blocks:\n  - id: a\n    type: test-echo\n  - id: b\n    type: test-echo\n    after:\n      - a\n      - ghost\n",
            8, "block 'b' waits for unknown block 'ghost'"
        },
        {
            "self after",
            "blocks:\n  - id: a\n    type: test-echo\n    after: a\n",
            4, "block 'a' cannot wait for itself"
        },
        {
            "cycle",
            "blocks:\n  - id: a\n    type: test-echo\n    after: [c]\n  - id: b\n    type: test-echo\n  - id: c\n    type: test-echo\n",
            4, "blocks wait for each other in a cycle: a → c → b → a"
        },
        {
            "unknown top-level key",
            "name: x\nblock:\n  - id: a\n    type: test-echo\n",
            2, "unknown key 'block' (expected one of: name, description, launchVariables, blocks, mcp)"
        },
        {
            "bad launch variable type",
            "launchVariables:\n  topic:\n    type: strnig\nblocks: [{ id: a, type: test-echo }]\n",
            3, "launch variable 'topic': unknown type 'strnig'"
        },
        {
            "bad launch variable shorthand type",
            "launchVariables:\n  topic: text\nblocks: [{ id: a, type: test-echo }]\n",
            2, "launch variable 'topic': unknown type 'text'"
        },
        {
            "unknown launch variable key",
            "launchVariables:\n  topic:\n    type: string\n    requird: true\nblocks: [{ id: a, type: test-echo }]\n",
            4, "launch variable 'topic': unknown key 'requird'"
        },
        {
            "required not boolean",
            "launchVariables:\n  topic: { required: maybe }\nblocks: [{ id: a, type: test-echo }]\n",
            2, "'required' must be true or false"
        },
        {
            "default of wrong type",
            "launchVariables:\n  n:\n    type: integer\n    default: abc\nblocks: [{ id: a, type: test-echo }]\n",
            4, "launch variable 'n': the default must be an integer, got \"abc\""
        },
        {
            "block timeout not a duration",
            "blocks:\n  - id: a\n    type: test-echo\n    timeout: soon\n",
            2, "block 'a': 'timeout' must be a positive duration"
        },
        {
            "block timeout zero",
            "blocks:\n  - id: a\n    type: test-echo\n    timeout: 0s\n",
            2, "block 'a': 'timeout' must be a positive duration"
        },
        {
            "empty blocks",
            "name: x\nblocks: []\n",
            2, "'blocks' is empty"
        },
        {
            "missing blocks",
            "name: x\n",
            1, "'blocks:' is missing"
        },
        {
            "blocks not a list",
            "blocks:\n  a: 1\n",
            2, "'blocks' must be a list"
        },
        {
            "block not a mapping",
            "blocks:\n  - echo\n",
            2, "each block must be a mapping"
        },
        {
            "root not a mapping",
            "- a\n- b\n",
            1, "expected a mapping"
        },
        {
            "empty file",
            "# nothing\n",
            1, "the file is empty"
        },
        {
            "two documents",
            "blocks: [{ id: a, type: test-echo }]\n---\nblocks: []\n",
            3, "only one YAML document"
        },
        {
            "json syntax",
            "{\n  \"blocks\": [\n    { \"id\": \"a\" \"type\": \"echo\" }\n  ]\n}\n",
            3, "invalid YAML"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_InvalidDefinition_ThrowsWithLineAndReason(string scenario, string text, int line, string reason)
    {
        var e = Assert.Throws<DefinitionException>(() => WorkflowParser.Parse("app/main.flow", "main", text, TestRegistry.Create()));

        Assert.True(e.Line == line && e.Reason.Contains(reason, StringComparison.Ordinal),
            $"{scenario}: expected line {line} and '{reason}', got {e.Message}");
        Assert.Equal("app/main.flow", e.File);
    }
}
