using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Workflows.Engine.Definitions;
using Workflows.Engine.Files;
using Workflows.Blocks.Files.Internal;
using Workflows.Blocks.Net;

namespace Workflows.Blocks.Files;

/// <summary>
/// Turns the values of file-typed launch variables (<c>image</c>, <c>audio</c>, <c>video</c>, <c>document</c>,
/// <c>file</c>) into stored files: each http(s) URL, <c>data:</c> URL or base64 string is stored in the caller's
/// organisation and replaced by its file object (a list stays a list). URLs are fetched through the guarded
/// outbound client, so a launch variable cannot reach private addresses.
/// </summary>
public sealed class FileInputResolver(IFileStore store, IHttpClientFactory httpClients, IOptions<FileStoreOptions> options)
    : IFileInputResolver
{
    /// <summary>
    /// Stores the files named by <paramref name="variables"/> (already bound by <see cref="LaunchVariableBinder"/>)
    /// and replaces them with file objects, in place; returns <paramref name="variables"/>. Throws
    /// <see cref="LaunchVariableException"/> naming the variable for input that is not a file or is too large.
    /// </summary>
    public async Task<JsonObject> ResolveAsync(
        string organizationId, WorkflowDefinition workflow, JsonObject variables, CancellationToken cancellationToken)
    {
        foreach (var variable in workflow.LaunchVariables)
        {
            if (!LaunchVariableTypes.Files.Contains(variable.Type) || variables[variable.Name] is not { } value)
            {
                continue;
            }

            switch (value)
            {
                case JsonArray list:
                    var files = new JsonArray();
                    for (var i = 0; i < list.Count; i++)
                    {
                        var label = $"launch variable '{variable.Name}' item {i + 1}";
                        files.Add(await StoreAsync(organizationId, label, list[i], cancellationToken));
                    }

                    variables[variable.Name] = files;
                    break;
                case JsonValue when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Trim().Length == 0:
                    // An empty form field means "no file".
                    variables[variable.Name] = variable.Required
                        ? throw new LaunchVariableException($"launch variable '{variable.Name}' is required")
                        : null;
                    break;
                default:
                    variables[variable.Name] = await StoreAsync(organizationId, $"launch variable '{variable.Name}'", value, cancellationToken);
                    break;
            }
        }

        return variables;
    }

    private async Task<JsonObject> StoreAsync(string organizationId, string label, JsonNode? value, CancellationToken cancellationToken)
    {
        if (value is JsonObject file)
        {
            // A file object from another job (run_workflow passing a file on): it must be one this organisation has.
            var fid = file[FileObjects.FidProperty] is JsonValue id && id.TryGetValue<string>(out var given) ? given : "";
            var stored = await store.GetAsync(organizationId, fid, cancellationToken)
                ?? throw new LaunchVariableException($"{label} names file '{Shorten(fid)}', which this organisation does not have");
            return stored.ToJson();
        }

        if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
        {
            throw new LaunchVariableException($"{label} is not a URL, a data: URL or base64");
        }

        var input = text.GetValue<string>().Trim();
        var limit = options.Value.MaxFileBytes;
        try
        {
            if (IsHttpUrl(input, out var url))
            {
                return (await FetchAsync(organizationId, label, url, cancellationToken)).ToJson();
            }

            var decoded = input.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                ? DataUrl.Decode(input, limit)
                : DataUrl.DecodeBase64(input, limit);
            if (decoded is null)
            {
                throw new LaunchVariableException($"{label} is not a URL, a data: URL or base64");
            }

            using var content = new MemoryStream(decoded.Value.Bytes, writable: false);
            return (await store.SaveAsync(organizationId, decoded.Value.FileName, content, cancellationToken)).ToJson();
        }
        catch (FileTooLargeException)
        {
            throw new LaunchVariableException($"{label} is larger than {limit} bytes");
        }
    }

    private async Task<StoredFile> FetchAsync(string organizationId, string label, Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.FetchTimeout);
        var client = httpClients.CreateClient(OutboundGuard.HttpClientName);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new LaunchVariableException(
                    $"{label}: fetching {Shorten(url)} failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > options.Value.MaxFileBytes)
            {
                throw new FileTooLargeException(options.Value.MaxFileBytes);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await store.SaveAsync(organizationId, FileNameOf(response.Content.Headers.ContentDisposition, url), body, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LaunchVariableException(
                $"{label}: fetching {Shorten(url)} took longer than {options.Value.FetchTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            var reason = OutboundRefusedException.Find(e)?.Message ?? e.Message;
            throw new LaunchVariableException($"{label}: fetching {Shorten(url)} failed: {reason}", e);
        }
    }

    private static bool IsHttpUrl(string input, out Uri url) =>
        Uri.TryCreate(input, UriKind.Absolute, out url!)
        && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
        && (input.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static string? FileNameOf(ContentDispositionHeaderValue? disposition, Uri url)
    {
        var given = disposition?.FileNameStar ?? disposition?.FileName?.Trim('"');
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var segment = url.Segments.Length > 0 ? Uri.UnescapeDataString(url.Segments[^1]).TrimEnd('/') : "";
        return segment.Length > 0 ? segment : null;
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private static string Shorten(Uri url)
    {
        // The query may carry credentials; the message ends up in the job's error.
        var text = url.GetLeftPart(UriPartial.Path);
        return text.Length <= 100 ? text : text[..100] + "…";
    }
}
