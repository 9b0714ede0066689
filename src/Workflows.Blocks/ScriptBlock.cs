using Workflows.Blocks.Internal;
using Workflows.Blocks.Scripting;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: script</c> — runs <c>code</c> (JavaScript, a function body) in a sandbox. Earlier outputs are globals
/// named by block id, launch variables are properties of <c>$launchVariables</c>; the <c>return</c> value is the output.
/// </summary>
[Block("script", Description = "Runs JavaScript in a sandbox; the return value is the output.", InProcess = true)]
[BlockOption(CodeParameter, BlockOptionType.Script, Required = true, Description = "The JavaScript function body to run.")]
public sealed class ScriptBlock : IBlock
{
    /// <summary>The JavaScript function body to run (required string).</summary>
    public const string CodeParameter = "code";

    private readonly ScriptRunner _runner;

    /// <summary>Creates the block.</summary>
    public ScriptBlock(ScriptRunner runner) => _runner = runner;

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        // Scripts may read any earlier output (even conditionally), so only the syntax is checked here.
        var code = Parameters.ValidateRequiredString(context, CodeParameter);
        if (_runner.ValidateSyntax(code) is { } error)
        {
            context.Error($"{CodeParameter}: {error}");
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var code = Parameters.RequireString(context.Definition, CodeParameter);
        var output = await _runner.RunAsync(code, context.LaunchVariables, context.Outputs, cancellationToken);
        return new BlockResult(output);
    }
}
