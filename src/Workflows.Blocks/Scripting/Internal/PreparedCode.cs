using Acornima.Ast;
using Jint;

namespace Workflows.Blocks.Scripting.Internal;

/// <summary>A script block's code, parsed once and shared by every engine that runs it.</summary>
internal sealed class PreparedCode(Prepared<Script> script, bool needsAllOutputs)
{
    private readonly Prepared<Script> _script = script;

    public ref readonly Prepared<Script> Script => ref _script;

    /// <summary>Free names the code reads; only these outputs are handed to the engine.</summary>
    public ReferencedGlobals? Globals => _script.ReferencedGlobals;

    /// <summary>The code reaches globals by computed name (<c>globalThis[x]</c>), so every output is handed over.</summary>
    public bool NeedsAllOutputs { get; } = needsAllOutputs;
}
