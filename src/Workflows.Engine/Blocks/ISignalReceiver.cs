using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>
/// A block that takes signals sent to its job (<c>wait_for_signal</c>). The engine asks it which name a block of its
/// type waits for and checks a payload before the signal is stored, so a sender learns of a mistake at once.
/// </summary>
public interface ISignalReceiver
{
    /// <summary>The signal name <paramref name="block"/> waits for.</summary>
    string SignalName(BlockDefinition block);

    /// <summary>
    /// Checks and coerces <paramref name="payload"/> for <paramref name="block"/>; throws
    /// <see cref="LaunchVariableException"/> naming the field that does not fit.
    /// </summary>
    JsonObject BindPayload(BlockDefinition block, JsonObject payload);
}
