using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Workflows.Engine.Blocks;
using Workflows.Engine.Templating;

namespace Workflows.Engine.Execution.Internal;

/// <summary>
/// One execution: a scheduler that starts every block whose dependencies are done, learns of each end through a
/// channel (no polling), and stops at the first failure. Blocks run concurrently; all bookkeeping happens on the
/// scheduler's single logical thread.
/// </summary>
internal sealed partial class WorkflowRun
{
    private readonly ExecutionPlan _plan;
    private readonly ExecutionRequest _request;
    private readonly IExecutionObserver _observer;
    private readonly TemplateRenderer _renderer;
    private readonly BlockRegistry _registry;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellationToken;
    private readonly JsonObject _launchVariables;

    private readonly int[] _remaining;
    private readonly BlockState[] _states;
    private readonly bool[] _isWorkflowOutput;
    private readonly OutputLog _log;
    private readonly Queue<int> _ready = new();
    private readonly Channel<BlockCompletion> _completions =
        Channel.CreateUnbounded<BlockCompletion>(new UnboundedChannelOptions { SingleReader = true });

    private CancellationTokenSource? _runCancellation;
    private int _running;
    private int _resolved;
    private bool _stopping;
    private string? _failure;
    private volatile string? _failedBlock;
    private ExceptionDispatchInfo? _crash;
    private readonly List<(string BlockId, JobWait Wait)> _waits = [];

    public WorkflowRun(
        ExecutionPlan plan,
        ExecutionRequest request,
        IExecutionObserver observer,
        TemplateRenderer renderer,
        BlockRegistry registry,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        _plan = plan;
        _request = request;
        _observer = observer;
        _renderer = renderer;
        _registry = registry;
        _time = time;
        _cancellationToken = cancellationToken;
        _launchVariables = WithDeclaredVariables(request);
        var count = plan.Blocks.Length;
        _remaining = (int[])plan.Indegree.Clone();
        _states = new BlockState[count];
        _isWorkflowOutput = new bool[count];
        _log = new OutputLog(plan);
    }

    public async Task<ExecutionOutcome> RunAsync()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_plan.Error is not null)
        {
            return ExecutionOutcome.Failure(_plan.Error);
        }

        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken);
        _runCancellation = runCancellation;
        SeedEarlierAttempt();

        var blocks = _plan.Blocks;
        for (var i = 0; i < blocks.Length; i++)
        {
            if (_remaining[i] == 0)
            {
                _ready.Enqueue(i);
            }
        }

        var reader = _completions.Reader;
        while (true)
        {
            StartReady();
            if (_running == 0)
            {
                break;
            }

            // Never cancelled: once started, every block is awaited, so nothing outlives the run.
            var completion = await reader.ReadAsync(CancellationToken.None);
            _running--;
            await HandleAsync(completion);
        }

        if (_crash is not null)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            _crash.Throw();
        }

        _cancellationToken.ThrowIfCancellationRequested();
        if (_failure is not null)
        {
            return ExecutionOutcome.Failure(_failure);
        }

        if (_waits.Count > 0)
        {
            // Everything that could run has: the job waits, and runs again from here when a wait is over.
            return ExecutionOutcome.Waiting(_waits);
        }

        if (_resolved < blocks.Length)
        {
            return ExecutionOutcome.Failure("some blocks could never run: their dependencies form a cycle");
        }

        return ExecutionOutcome.Success(ComputeResult());
    }

    // Blocks done in an earlier attempt count as done; their outputs are in scope from the start.
    private void SeedEarlierAttempt()
    {
        var blocks = _plan.Blocks;
        if (_request.CompletedOutputs.Count > 0)
        {
            for (var i = 0; i < blocks.Length; i++)
            {
                if (_request.CompletedOutputs.TryGetValue(blocks[i].Id, out var output))
                {
                    _states[i] = BlockState.EarlierCompleted;
                    _isWorkflowOutput[i] = _plan.Descriptors[i]?.WorkflowOutput == true;
                    _log.Add(i, output);
                }
            }
        }

        foreach (var id in _request.SkippedBlocks)
        {
            if (_plan.Index.TryGetValue(id, out var i) && _states[i] == BlockState.Pending)
            {
                _states[i] = BlockState.SkipRequested;
            }
        }
    }

    private void StartReady()
    {
        while (_ready.TryDequeue(out var i))
        {
            if (!_stopping && _cancellationToken.IsCancellationRequested)
            {
                Stop();
            }

            if (_stopping)
            {
                _ready.Clear();
                return;
            }

            switch (_states[i])
            {
                case BlockState.EarlierCompleted:
                    // Done before; resolve in dependency order so its dependents still wait for theirs.
                    _states[i] = BlockState.Completed;
                    Resolve(i);
                    break;
                case BlockState.SkipRequested:
                    // A skipped block has no output; it reads as null so joins after a branch can test it.
                    _states[i] = BlockState.Skipped;
                    _log.Add(i, null);
                    Resolve(i);
                    break;
                default:
                    Start(i);
                    break;
            }
        }
    }

    private void Start(int i)
    {
        _states[i] = BlockState.Running;
        _running++;

        // Started in an earlier attempt: it keeps its original start (and its one block_started event).
        var resumed = _request.StartedBlocks.TryGetValue(_plan.Blocks[i].Id, out var startedAt);
        var context = new ExecutionBlockContext(_renderer, _observer)
        {
            JobId = _request.JobId,
            OrganizationId = _request.OrganizationId,
            App = _request.App,
            Workflow = _request.Workflow,
            Definition = _plan.Blocks[i],
            LaunchVariables = _launchVariables,
            Outputs = _log.Snapshot(),
            StartedAt = resumed ? startedAt : _time.GetUtcNow(),
            IsResumed = resumed,
            Registry = _registry,
            Time = _time,
            Inbox = _request.Inbox,
        };

        // Alone, a block runs inline (cheap for sequential workflows). With company, each gets a pool thread so a
        // block that computes before its first await cannot hold back the others.
        if (_running == 1 && _ready.Count == 0)
        {
            _ = RunBlockAsync(i, context);
        }
        else
        {
            _ = Task.Run(() => RunBlockAsync(i, context), CancellationToken.None);
        }
    }

    private async ValueTask HandleAsync(BlockCompletion completion)
    {
        var i = completion.Block;
        switch (completion.Kind)
        {
            case BlockCompletionKind.Completed:
                var result = completion.Result!;
                _states[i] = BlockState.Completed;
                _isWorkflowOutput[i] = result.IsWorkflowOutput;
                _log.Add(i, result.Output);
                if (!_stopping && result.Skip.Count > 0)
                {
                    try
                    {
                        await SkipAsync(_plan.Blocks[i].Id, result.Skip);
                    }
                    catch (Exception e)
                    {
                        // Same as a failing report from a block: end the run, but only after in-flight blocks.
                        _crash ??= ExceptionDispatchInfo.Capture(e);
                        Stop();
                    }
                }

                Resolve(i);
                break;
            case BlockCompletionKind.Failed or BlockCompletionKind.TimedOut or BlockCompletionKind.Refused:
                _states[i] = BlockState.Failed;
                if (_failure is null && _crash is null && !_cancellationToken.IsCancellationRequested)
                {
                    _failedBlock = _plan.Blocks[i].Id;
                    _failure = completion.Kind is BlockCompletionKind.TimedOut or BlockCompletionKind.Refused
                        ? completion.Reason
                        : $"block '{_failedBlock}' failed: {completion.Reason}";
                }

                Stop();
                break;
            case BlockCompletionKind.Cancelled:
                _states[i] = BlockState.Failed;
                Stop();
                break;
            case BlockCompletionKind.Waiting:
                // Not resolved: its dependents wait with it, while independent branches go on.
                _states[i] = BlockState.Waiting;
                _waits.Add((_plan.Blocks[i].Id, completion.Wait!));
                break;
            default:
                _states[i] = BlockState.Failed;
                _crash ??= completion.Crash;
                Stop();
                break;
        }
    }

    private async ValueTask SkipAsync(string by, IReadOnlyList<string> ids)
    {
        var reason = $"skipped by '{by}'";
        foreach (var id in ids)
        {
            if (_plan.Index.TryGetValue(id, out var j) && _states[j] == BlockState.Pending)
            {
                _states[j] = BlockState.SkipRequested;
                await _observer.BlockSkippedAsync(_plan.Blocks[j], reason, _cancellationToken);
            }
        }
    }

    private void Resolve(int i)
    {
        _resolved++;
        foreach (var dependent in _plan.Dependents[i])
        {
            if (--_remaining[dependent] == 0)
            {
                _ready.Enqueue(dependent);
            }
        }
    }

    private void Stop()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _runCancellation!.Cancel();
    }

    private enum BlockState : byte
    {
        Pending,
        SkipRequested,
        EarlierCompleted,
        Running,
        Completed,
        Skipped,
        Failed,
        Waiting,
    }
}
