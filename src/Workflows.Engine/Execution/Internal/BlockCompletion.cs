using System.Runtime.ExceptionServices;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Execution.Internal;

/// <summary>How one started block ended, as the scheduler learns it.</summary>
internal readonly record struct BlockCompletion(int Block, BlockCompletionKind Kind, BlockResult? Result, string? Reason, ExceptionDispatchInfo? Crash, JobWait? Wait = null);

internal enum BlockCompletionKind
{
    /// <summary>Ran and reported.</summary>
    Completed,

    /// <summary>Threw; reported as failed.</summary>
    Failed,

    /// <summary>Ran past its timeout and was stopped; reported as failed, the reason is the whole message.</summary>
    TimedOut,

    /// <summary>Not started: the job's budget was spent (<see cref="ISpendGate"/>); reported as failed, the reason is the whole message.</summary>
    Refused,

    /// <summary>Stopped because the run was cancelled (by the caller or after another block failed).</summary>
    Cancelled,

    /// <summary>Suspended its job (<see cref="Blocks.BlockWaitException"/>): not finished, it runs again when the job resumes.</summary>
    Waiting,

    /// <summary>Reporting itself failed (the observer threw); the run ends with that exception.</summary>
    Crashed,
}
