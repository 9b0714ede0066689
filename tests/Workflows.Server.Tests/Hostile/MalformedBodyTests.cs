using System.Net;
using System.Net.Http.Headers;
using Workflows.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// Every request of the malformed corpus gets a clear 4xx (or a 2xx where the input is merely odd), never a 5xx,
/// and the server keeps answering; managed memory returns to where it was.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class MalformedBodyTests(ServerFixture server, ITestOutputHelper output)
{
    [Fact]
    public async Task Corpus_AllPaths_NoServerErrorAndServerStillHealthy()
    {
        const long Plateau = 16L * 1024 * 1024;
        const long Ceiling = 768L * 1024 * 1024;
        using var client = server.Rest(server.AdminToken);
        var heap = new List<long> { SettledHeap() };
        var first = await SendCorpusAsync(client);
        heap.Add(SettledHeap());
        var failures = new List<string>(first.Failures);

        // Multi-megabyte bodies fill buffer pools (ArrayPool, Kestrel) for a few passes; a leak never stops growing.
        while (heap.Count < 7 && heap[^1] - heap[^2] >= Plateau)
        {
            failures.AddRange((await SendCorpusAsync(client)).Failures);
            heap.Add(SettledHeap());
        }

        output.WriteLine($"{first.Count} requests per pass; statuses: {string.Join(", ", first.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"managed heap after each pass (MiB): {string.Join(" → ", heap.Select(h => h / 1_048_576))}");
        Assert.True(first.Count >= 500, $"the corpus has only {first.Count} requests");
        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var run = await server.RunBlogAsync(server.AdminToken, "still alive");
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: STILL ALIVE", run.Result.StringValue);
        Assert.True(heap[^1] - heap[^2] < Plateau, $"managed heap still growing after {heap.Count - 1} passes: {string.Join(", ", heap)}");
        // What the corpus added, not the process's whole heap: the earlier test classes' servers live in this process too.
        Assert.True(heap[^1] - heap[0] < Ceiling, $"managed heap settled {heap[^1] - heap[0]} bytes above where it started ({heap[0]})");
    }

    private static async Task<(int Count, List<string> Failures, Dictionary<int, int> Statuses)> SendCorpusAsync(HttpClient client)
    {
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var count = 0;
        foreach (var item in MalformedBodyCorpus.All())
        {
            count++;
            var status = await SendAsync(client, item, connectionResetMeans413: false);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                failures.Add($"{status} {item.Method} {Short(item.Path)} [{item.Name}]");
            }
        }

        return (count, failures, statuses);
    }

    [Fact]
    public async Task Oversized_Bodies_AreRefusedWith413()
    {
        using var client = server.Rest(server.AdminToken);
        foreach (var item in MalformedBodyCorpus.Oversized())
        {
            var status = await SendAsync(client, item, connectionResetMeans413: true);
            Assert.True(status == 413, $"{item.Method} {item.Path}: {status}");
        }
    }

    private static async Task<int> SendAsync(HttpClient client, MalformedBodyCorpus.Case item, bool connectionResetMeans413)
    {
        using var request = new HttpRequestMessage(item.Method, item.Path);
        if (item.Body is not null)
        {
            request.Content = new ByteArrayContent(item.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(item.ContentType);
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException) when (connectionResetMeans413)
        {
            // The server may close the connection on a body it refuses before reading it (e.g. too large).
            return 413;
        }
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Short(string path) => path.Length <= 80 ? path : path[..80] + "…";
}

/// <summary>
/// The memory check reads the whole test process's managed heap, so it runs with no other test class at the same time
/// (xunit runs collections that disable parallelisation after the parallel ones), on a server of its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "memory";
}
