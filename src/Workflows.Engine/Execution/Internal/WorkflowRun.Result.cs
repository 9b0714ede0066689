using System.Text.Json.Nodes;

namespace Workflows.Engine.Execution.Internal;

/// <summary>The run's inputs and result: launch variables as blocks see them, and the workflow's output.</summary>
internal sealed partial class WorkflowRun
{
    private JsonNode? ComputeResult()
    {
        var blocks = _plan.Blocks;
        var count = 0;
        var allObjects = true;
        var lastOutput = -1;
        var lastCompleted = -1;
        for (var i = 0; i < blocks.Length; i++)
        {
            if (_states[i] != BlockState.Completed)
            {
                continue;
            }

            lastCompleted = i;
            if (_isWorkflowOutput[i])
            {
                count++;
                lastOutput = i;
                allObjects &= _log.ValueOf(i) is JsonObject;
            }
        }

        if (count == 0)
        {
            return lastCompleted < 0 ? null : _log.ValueOf(lastCompleted);
        }

        if (count == 1 || !allObjects)
        {
            return _log.ValueOf(lastOutput);
        }

        // Several output objects: one object, later keys win.
        var merged = new JsonObject();
        for (var i = 0; i < blocks.Length; i++)
        {
            if (_states[i] == BlockState.Completed && _isWorkflowOutput[i])
            {
                foreach (var (key, value) in (JsonObject)_log.ValueOf(i)!)
                {
                    merged[key] = value?.DeepClone();
                }
            }
        }

        return merged;
    }

    // A declared launch variable the caller left out (optional, no default) reads as null rather than "unknown".
    private static JsonObject WithDeclaredVariables(ExecutionRequest request)
    {
        var given = request.LaunchVariables;
        var declared = request.Workflow.LaunchVariables;
        var missing = false;
        foreach (var variable in declared)
        {
            missing |= !given.ContainsKey(variable.Name);
        }

        if (!missing)
        {
            return given;
        }

        var copy = new JsonObject();
        foreach (var (key, value) in given)
        {
            copy[key] = value?.DeepClone();
        }

        foreach (var variable in declared)
        {
            if (!copy.ContainsKey(variable.Name))
            {
                copy[variable.Name] = null;
            }
        }

        return copy;
    }
}
