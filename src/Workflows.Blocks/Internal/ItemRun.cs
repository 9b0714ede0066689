using System.Text.Json.Nodes;

namespace Workflows.Blocks.Internal;

/// <summary>
/// Runs <c>foreach</c>'s items: a fixed number of workers take the next index from a shared counter, so the work is
/// O(n) and results land in their item's slot whatever the order they finish in. Without <c>continueOnError</c>
/// the first failure stops the others.
/// </summary>
internal sealed class ItemRun(int count, bool continueOnError, Func<int, CancellationToken, Task<JsonNode?>> runItem)
{
    private int _next = -1;
    private int _firstFailure = -1;

    public JsonNode?[] Outputs { get; } = new JsonNode?[count];

    public string?[] Errors { get; } = new string?[count];

    /// <summary>The failure that stopped the run (only without continueOnError).</summary>
    public (int Index, string Error)? FirstFailure => _firstFailure < 0 ? null : (_firstFailure, Errors[_firstFailure]!);

    public async Task RunAsync(int parallelism, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Task[Math.Min(parallelism, count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(() => WorkAsync(stop), CancellationToken.None);
        }

        await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task WorkAsync(CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _next);
            if (index >= count)
            {
                return;
            }

            try
            {
                Outputs[index] = await runItem(index, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Errors[index] = e.Message;
                if (!continueOnError && Interlocked.CompareExchange(ref _firstFailure, index, -1) == -1)
                {
                    await stop.CancelAsync();
                    return;
                }
            }
        }
    }
}
