using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Definitions;
using Workflows.Blocks.Files;
using Workflows.Engine.Files;
using Workflows.Blocks.Net;

namespace Workflows.Blocks.Tests.Files;

public sealed class FileInputResolverTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wf-files-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public FileInputResolverTests()
    {
        // The real registration: disk store, resolver and the guarded outbound client (loopback allowed for the test server).
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWorkflowFiles();
        services.Configure<FileStoreOptions>(o =>
        {
            o.RootPath = _root;
            o.MaxFileBytes = 100_000;
        });
        services.Configure<OutboundOptions>(o => o.Allow.Add("127.0.0.1"));
        _services = services.BuildServiceProvider();
    }

    private FileInputResolver Resolver => _services.GetRequiredService<FileInputResolver>();

    private IFileStore Store => _services.GetRequiredService<IFileStore>();

    public void Dispose()
    {
        _services.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static WorkflowDefinition Workflow(params LaunchVariableDefinition[] variables) => new()
    {
        Name = "main",
        Title = "main",
        LaunchVariables = variables,
        Blocks = [],
        OutputVariables = [],
        Source = "",
    };

    private static readonly WorkflowDefinition PhotoWorkflow = Workflow(
        new LaunchVariableDefinition("photo", "image", false, null, ""),
        new LaunchVariableDefinition("topic", "string", false, null, ""));

    private Task<JsonObject> ResolveAsync(JsonNode? photo, WorkflowDefinition? workflow = null) =>
        Resolver.ResolveAsync("default", workflow ?? PhotoWorkflow, new JsonObject { ["photo"] = photo, ["topic"] = "data:,not a file" }, CancellationToken.None);

    private async Task<string> ErrorAsync(JsonNode? photo, WorkflowDefinition? workflow = null) =>
        (await Assert.ThrowsAsync<LaunchVariableException>(() => ResolveAsync(photo, workflow))).Message;

    private static string Fid(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task ResolveAsync_DataUrl_StoredAndReplacedByFileObject()
    {
        var bytes = MimeSamples.Png;

        var variables = await ResolveAsync("data:image/jpeg;base64," + Convert.ToBase64String(bytes));

        var file = Assert.IsType<JsonObject>(variables["photo"]);
        Assert.Equal(Fid(bytes), file["fid"]!.GetValue<string>());
        Assert.Equal("image/png", file["mimeType"]!.GetValue<string>()); // sniffed, not the caller's "image/jpeg"
        Assert.Equal("image", file["fileType"]!.GetValue<string>());
        Assert.Equal(bytes.Length, file["size"]!.GetValue<long>());
        Assert.Equal("/v1/files/" + Fid(bytes), file["url"]!.GetValue<string>());
        Assert.NotNull(await Store.GetAsync("default", Fid(bytes), CancellationToken.None));
        Assert.Equal("data:,not a file", variables["topic"]!.GetValue<string>()); // only file-typed variables are touched
    }

    [Fact]
    public async Task ResolveAsync_DataUrlWithNameAndPercentEncoding_Decoded()
    {
        var variables = await ResolveAsync("data:text/plain;name=notes%20one.txt,hello%20world%21");

        var file = variables["photo"]!;
        Assert.Equal("notes one.txt", file["fileName"]!.GetValue<string>());
        Assert.Equal(Fid("hello world!"u8.ToArray()), file["fid"]!.GetValue<string>());
        Assert.Equal("document", file["fileType"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("url-safe")]
    [InlineData("unpadded")]
    [InlineData("wrapped")]
    public async Task ResolveAsync_RawBase64_Stored(string form)
    {
        var bytes = RandomNumberGenerator.GetBytes(1001); // not a multiple of 3: padded
        var base64 = Convert.ToBase64String(bytes);
        var text = form switch
        {
            "url-safe" => base64.Replace('+', '-').Replace('/', '_'),
            "unpadded" => base64.TrimEnd('='),
            "wrapped" => string.Join("\r\n", base64.Chunk(76).Select(c => new string(c))),
            _ => base64,
        };

        var variables = await ResolveAsync(text);

        Assert.Equal(Fid(bytes), variables["photo"]!["fid"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResolveAsync_List_StaysAListOfFileObjects()
    {
        var a = MimeSamples.Png;
        var b = MimeSamples.Pad("GIF89a"u8);

        var variables = await ResolveAsync(new JsonArray(Convert.ToBase64String(a), "data:;base64," + Convert.ToBase64String(b)));

        var list = Assert.IsType<JsonArray>(variables["photo"]);
        Assert.Equal([Fid(a), Fid(b)], list.Select(f => f!["fid"]!.GetValue<string>()));
        Assert.Equal(["image/png", "image/gif"], list.Select(f => f!["mimeType"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("cat.png")]
    [InlineData("not base64 at all!")]
    [InlineData("ftp://example.com/cat.png")]
    [InlineData("data:image/png;base64")]
    [InlineData("data:image/png;base64,@@@@")]
    [InlineData("abcde")]
    public async Task ResolveAsync_NotAFile_MessageNamesTheVariable(string input) =>
        Assert.Equal("launch variable 'photo' is not a URL, a data: URL or base64", await ErrorAsync(input));

    [Fact]
    public async Task ResolveAsync_BadListItem_MessageNamesTheItem()
    {
        var message = await ErrorAsync(new JsonArray(Convert.ToBase64String(MimeSamples.Png), "cat.png"));

        Assert.Equal("launch variable 'photo' item 2 is not a URL, a data: URL or base64", message);
    }

    [Fact]
    public async Task ResolveAsync_NotAString_MessageNamesTheVariable() =>
        Assert.Equal("launch variable 'photo' is not a URL, a data: URL or base64", await ErrorAsync(5));

    [Theory]
    [InlineData("base64")]
    [InlineData("data")]
    public async Task ResolveAsync_TooLarge_MessageNamesTheLimit(string form)
    {
        var base64 = Convert.ToBase64String(new byte[100_001]);

        var message = await ErrorAsync(form == "data" ? "data:;base64," + base64 : base64);

        Assert.Equal("launch variable 'photo' is larger than 100000 bytes", message);
    }

    [Fact]
    public async Task ResolveAsync_EmptyString_NoFileUnlessRequired()
    {
        Assert.Null((await ResolveAsync("  "))["photo"]);

        var required = Workflow(new LaunchVariableDefinition("photo", "file", true, null, ""));
        Assert.Equal("launch variable 'photo' is required", await ErrorAsync("", required));
    }

    [Fact]
    public async Task ResolveAsync_FileObjectOfThisOrganisation_Kept()
    {
        var stored = await Store.SaveAsync("default", "cat.png", new MemoryStream(MimeSamples.Png), CancellationToken.None);

        var variables = await ResolveAsync(new JsonObject { ["fid"] = stored.Fid, ["url"] = "https://elsewhere/x" });

        Assert.Equal(stored.ToJson().ToJsonString(), variables["photo"]!.ToJsonString());
    }

    [Fact]
    public async Task ResolveAsync_FileObjectOfAnotherOrganisation_Refused()
    {
        var stored = await Store.SaveAsync("acme", null, new MemoryStream(MimeSamples.Png), CancellationToken.None);

        var message = await ErrorAsync(new JsonObject { ["fid"] = stored.Fid });

        Assert.Equal($"launch variable 'photo' names file '{stored.Fid}', which this organisation does not have", message);
    }

    [Fact]
    public async Task ResolveAsync_HttpUrl_FetchedThroughTheGuardedClient()
    {
        var bytes = MimeSamples.Pad("%PDF-1.4\n"u8, 5000);
        using var server = TestHttpServer.Start(bytes);

        var variables = await ResolveAsync(server.Url + "reports/q1.pdf?token=secret");

        var file = variables["photo"]!;
        Assert.Equal(Fid(bytes), file["fid"]!.GetValue<string>());
        Assert.Equal("q1.pdf", file["fileName"]!.GetValue<string>());
        Assert.Equal("application/pdf", file["mimeType"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResolveAsync_HttpUrlAnswering404_MessageNamesVariableAndStatus()
    {
        using var server = TestHttpServer.Start(null);

        var message = await ErrorAsync(server.Url + "missing.png?token=secret");

        Assert.Equal($"launch variable 'photo': fetching {server.Url}missing.png failed with HTTP 404 Not Found", message);
    }

    [Fact]
    public async Task ResolveAsync_HttpUrlTooLarge_Refused()
    {
        using var server = TestHttpServer.Start(new byte[100_001]);

        Assert.Equal("launch variable 'photo' is larger than 100000 bytes", await ErrorAsync(server.Url + "big.bin"));
    }

    [Fact]
    public async Task ResolveAsync_PrivateAddress_RefusedByTheOutboundGuard()
    {
        var message = await ErrorAsync("http://10.255.255.1/cat.png");

        Assert.StartsWith("launch variable 'photo': fetching http://10.255.255.1/cat.png failed: outbound request to 10.255.255.1 refused", message, StringComparison.Ordinal);
    }

    /// <summary>A one-route HTTP server on loopback that answers every GET with the given bytes (404 when null).</summary>
    private sealed class TestHttpServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        private TestHttpServer(byte[]? body)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    context.Response.StatusCode = body is null ? 404 : 200;
                    if (body is not null)
                    {
                        context.Response.ContentLength64 = body.Length;
                        await context.Response.OutputStream.WriteAsync(body);
                    }

                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public static TestHttpServer Start(byte[]? body) => new(body);

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
