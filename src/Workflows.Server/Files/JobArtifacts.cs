using Microsoft.Extensions.Options;
using Workflows.Contracts.V1;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs;

namespace Workflows.Server.Files;

/// <summary>
/// A job's artifacts: the file objects found anywhere in its result that its organisation's store really holds,
/// with absolute download URLs. Both the native results and the recipe dialect's <c>artifacts</c> use it.
/// </summary>
internal sealed class JobArtifacts(IFileStore store, IOptions<FileStoreOptions> options)
{
    /// <summary>The artifacts of a succeeded job (none for any other), in the order the result mentions them.</summary>
    public async Task<IReadOnlyList<Artifact>> FindAsync(JobRecord job, HttpContext http, CancellationToken cancellationToken)
    {
        if (job.State != Engine.Jobs.JobState.Succeeded || job.Result is null)
        {
            return [];
        }

        var baseUrl = BaseUrl(http.Request);
        var artifacts = new List<Artifact>();
        foreach (var fid in FileObjects.FindFids(job.Result))
        {
            if (await store.GetAsync(job.OrganizationId, fid, cancellationToken) is { } file)
            {
                artifacts.Add(ToProto(file, baseUrl));
            }
        }

        return artifacts;
    }

    /// <summary>Files each artifact under the recipe dialect's list for its file type.</summary>
    public static void AddTo(RecipeArtifacts target, IEnumerable<Artifact> artifacts)
    {
        foreach (var artifact in artifacts)
        {
            var list = artifact.FileType switch
            {
                "image" => target.Images,
                "audio" => target.Audio,
                "video" => target.Videos,
                "document" => target.Documents,
                _ => target.Files,
            };
            list.Add(artifact);
        }
    }

    /// <summary>
    /// Where the service is reached: <see cref="FileStoreOptions.PublicBaseUrl"/> when set (behind a proxy), else the
    /// scheme, host and path base of the request being answered.
    /// </summary>
    public string BaseUrl(HttpRequest request) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.Value.PublicBaseUrl.TrimEnd('/');

    private static Artifact ToProto(StoredFile file, string baseUrl) => new()
    {
        Fid = file.Fid,
        FileName = file.FileName,
        Size = (int)Math.Min(file.Size, int.MaxValue),
        MimeType = file.MimeType,
        FileType = file.FileType,
        Url = baseUrl + file.Url,
    };
}
