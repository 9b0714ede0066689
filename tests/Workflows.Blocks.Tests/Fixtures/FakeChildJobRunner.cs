using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;

namespace Workflows.Blocks.Tests.Fixtures;

/// <summary>
/// Child jobs without a job service: records what blocks ask for, "runs" each child by <see cref="Outcome"/>, and
/// streams <see cref="TextDeltas"/> as the child's text_delta events while it is followed.
/// </summary>
public sealed class FakeChildJobRunner : IChildJobRunner
{
    private readonly ConcurrentDictionary<string, JobRecord> _byKey = new(StringComparer.Ordinal);

    public ConcurrentQueue<ChildJobRequest> Requests { get; } = new();

    /// <summary>How each child ends: its state, result and error. Default: succeeds with its launch variables as result.</summary>
    public Func<ChildJobRequest, (JobState State, JsonNode? Result, string? Error)> Outcome { get; set; } =
        request => (JobState.Succeeded, request.Variables?.DeepClone(), null);

    /// <summary>Text the child streams while followed.</summary>
    public List<string> TextDeltas { get; } = [];

    /// <summary>Idempotency keys an earlier attempt already started (their children report <c>Existing</c>).</summary>
    public HashSet<string> ExistingKeys { get; } = new(StringComparer.Ordinal);

    public Task<ChildJob> StartAsync(ChildJobRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        var existing = ExistingKeys.Contains(request.IdempotencyKey);
        var job = _byKey.GetOrAdd(request.IdempotencyKey, _ => new JobRecord
        {
            Id = Guid.NewGuid(),
            OrganizationId = request.OrganizationId,
            AppId = request.AppId,
            Workflow = request.Workflow,
            State = JobState.Queued,
            Variables = request.Variables ?? [],
            CreatedAt = DateTimeOffset.UtcNow,
            LastSequence = existing ? 5 : 1,
            IdempotencyKey = request.IdempotencyKey,
            ParentJobId = request.ParentJobId,
        });
        return Task.FromResult(new ChildJob(job, existing));
    }

    public async Task<JobRecord> FollowAsync(
        JobRecord child, long afterSequence, Func<JobEvent, CancellationToken, ValueTask>? onEvent, CancellationToken cancellationToken)
    {
        var request = Requests.First(r => r.IdempotencyKey == child.IdempotencyKey);
        var sequence = afterSequence;
        if (onEvent is not null)
        {
            foreach (var text in TextDeltas)
            {
                await onEvent(new JobEvent(child.Id, ++sequence, JobEventTypes.TextDelta, DateTimeOffset.UtcNow) { Text = text }, cancellationToken);
            }
        }

        var (state, result, error) = Outcome(request);
        return child with { State = state, Result = result, Error = error, LastSequence = sequence + 1 };
    }
}
