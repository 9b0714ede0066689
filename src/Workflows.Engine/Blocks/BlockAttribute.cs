namespace Workflows.Engine.Blocks;

/// <summary>
/// Marks a class as a block and carries what the engine needs to know of it without running it: its type name and
/// how it behaves. Its options are declared beside it with <see cref="BlockOptionAttribute"/>.
/// </summary>
/// <param name="typeName">The name users write, e.g. <c>template</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BlockAttribute(string typeName) : Attribute
{
    /// <summary>The block type name, as written in <c>type:</c>.</summary>
    public string TypeName { get; } = typeName;

    /// <summary>One sentence on what the block does (for editors, the console and the <c>.flow</c> schema).</summary>
    public string Description { get; set; } = "";

    /// <summary>
    /// The block only computes inside this process from its inputs (no request, model call, child job, timer or file),
    /// so it may run before its job is durable. Anything else waits until the job is stored.
    /// </summary>
    public bool InProcess { get; set; }

    /// <summary>
    /// The block acts on its whole workflow (its result, or which blocks run), so it cannot run inline inside another
    /// block such as <c>foreach</c>.
    /// </summary>
    public bool WorkflowScoped { get; set; }

    /// <summary>Waiting is the block's job: the default block timeout does not apply, only a <c>timeout</c> it sets itself.</summary>
    public bool Waits { get; set; }

    /// <summary>
    /// The block's output is (part of) the workflow's result; the names it adds come from
    /// <see cref="IBlock.OutputVariables"/>.
    /// </summary>
    public bool WorkflowOutput { get; set; }
}
