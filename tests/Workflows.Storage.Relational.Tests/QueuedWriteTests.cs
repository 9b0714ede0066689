namespace Workflows.Storage.Relational.Tests;

public sealed class QueuedWriteTests
{
    [Fact]
    public async Task Complete_NothingRecorded_SetsTheResult()
    {
        var write = new Write(CancellationToken.None);

        write.Complete();

        Assert.True(await write.Task);
    }

    [Fact]
    public async Task Complete_FailureRecorded_ReportsItAlone()
    {
        var write = new Write(CancellationToken.None);
        write.RecordFailure(new InvalidOperationException("mine"));

        write.Complete();

        Assert.Equal("mine", (await Assert.ThrowsAsync<InvalidOperationException>(() => write.Task)).Message);
    }

    [Fact]
    public async Task Fail_NoOwnFailure_ReportsTheGroupFailure()
    {
        var write = new Write(CancellationToken.None);

        write.Fail(new TimeoutException("group"));

        await Assert.ThrowsAsync<TimeoutException>(() => write.Task);
    }

    [Fact]
    public async Task Fail_Canceled_ReportsCancellation()
    {
        using var source = new CancellationTokenSource();
        await source.CancelAsync();
        var write = new Write(source.Token);
        write.RecordCanceled();

        write.Fail(new TimeoutException("group"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.Task);
    }

    [Fact]
    public async Task Reset_AfterFailure_CompletesCleanly()
    {
        var write = new Write(CancellationToken.None);
        write.RecordFailure(new InvalidOperationException("first attempt"));

        write.Reset();
        write.Complete();

        Assert.True(await write.Task);
    }

    private sealed class Write(CancellationToken cancellationToken) : QueuedWrite(cancellationToken)
    {
        private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<bool> Task => _completion.Task;

        protected override void SetResult() => _completion.TrySetResult(true);

        protected override void SetException(Exception exception) => _completion.TrySetException(exception);

        protected override void SetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
    }
}
