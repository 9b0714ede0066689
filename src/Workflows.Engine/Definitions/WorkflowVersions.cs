using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Workflows.Engine.Blocks;
using Workflows.Engine.Caching;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Definitions;

/// <summary>
/// The workflow definition each job runs. A job names the definition it started with by the content hash of its source,
/// stored before the job is: a waiting job that resumes, a signal checked against its wait, a rerun, all read that
/// definition, so editing or replacing an app never changes a job already started.
/// </summary>
public sealed class WorkflowVersions(IAppStore store, BlockRegistry blocks, TimeProvider time, IOptions<CacheOptions>? caches = null)
{
    private readonly ConditionalWeakTable<WorkflowDefinition, string> _hashes = [];
    private readonly ConcurrentDictionary<string, bool> _stored = new(StringComparer.Ordinal);

    // Parsed definitions no app serves any more, by hash; bounded by bytes, since each is a whole parsed workflow
    // (estimated as a prepared script is: 4 KB plus 40 bytes per source character).
    private readonly BoundedCache<WorkflowDefinition> _parsed = new(
        (caches?.Value ?? new CacheOptions()).DefinitionBytes, static (_, definition) => 4096 + (40L * definition.Source.Length));

    /// <summary>The content hash of a definition: SHA-256 of its source, 64 lowercase hex digits.</summary>
    public string HashOf(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return _hashes.GetValue(workflow, static w => Hash(w.Source));
    }

    /// <summary>The hash of a source text, as <see cref="HashOf"/> gives it.</summary>
    public static string Hash(string source) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    /// <summary>
    /// Stores <paramref name="workflow"/>'s source under its hash unless this node stored it already, and returns the
    /// hash for the new job to name. Storing is idempotent, so two nodes storing the same definition is harmless.
    /// </summary>
    public async ValueTask<string> StoreAsync(WorkflowDefinition workflow, CancellationToken cancellationToken)
    {
        var hash = HashOf(workflow);
        if (!_stored.ContainsKey(hash))
        {
            await store.SaveDefinitionAsync(hash, workflow.Source, time.GetUtcNow(), cancellationToken);
            _stored.TryAdd(hash, true);
        }

        return hash;
    }

    /// <summary>
    /// The definition <paramref name="job"/> runs: the one it started with (the app's current one when unchanged, else the
    /// stored source, parsed), or the app's current one for a job stored before definitions were kept. Null when
    /// neither exists.
    /// </summary>
    public async Task<WorkflowDefinition?> ForJobAsync(JobRecord job, AppDefinition? app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var current = app?.Workflows.GetValueOrDefault(job.Workflow);
        if (job.DefinitionHash is not { } hash || (current is not null && HashOf(current) == hash))
        {
            return current;
        }

        if (_parsed.TryGetValue(hash, out var parsed))
        {
            return parsed;
        }

        var source = await store.GetDefinitionAsync(hash, cancellationToken);
        if (source is null)
        {
            return current;
        }

        // It parsed and validated when the job started; the blocks it names are this build's, as for any job.
        parsed = WorkflowParser.Parse($"{job.Workflow}.flow@{hash[..12]}", job.Workflow, source, blocks);
        _hashes.AddOrUpdate(parsed, hash);
        return _parsed.Add(hash, parsed);
    }
}
