using System.CommandLine;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Client;

/// <summary>The generated gRPC client for one command, pointed at the resolved server with the resolved token.</summary>
public sealed class Connection : IDisposable
{
    private readonly GrpcChannel _channel;

    private Connection(string server, string? token)
    {
        Server = server;
        _channel = GrpcChannel.ForAddress(server);
        var invoker = _channel.Intercept(metadata =>
        {
            if (!string.IsNullOrEmpty(token))
            {
                metadata.Add("authorization", "Bearer " + token);
            }

            return metadata;
        });
        Client = new WorkflowService.WorkflowServiceClient(invoker);
    }

    /// <summary>The gRPC address in use.</summary>
    public string Server { get; }

    /// <summary>The client.</summary>
    public WorkflowService.WorkflowServiceClient Client { get; }

    /// <summary>Resolves the server and token: option, else environment variable, else saved profile (else the local
    /// default server; no token).</summary>
    public static Connection Open(ParseResult parsed)
    {
        var profile = Profile.Load();
        var server = FirstSet(parsed.GetValue(GlobalOptions.Server), Environment.GetEnvironmentVariable(GlobalOptions.ServerVariable), profile.Server)
                     ?? GlobalOptions.DefaultServer;
        var token = FirstSet(parsed.GetValue(GlobalOptions.Token), Environment.GetEnvironmentVariable(GlobalOptions.TokenVariable), profile.Token);
        return new Connection(CheckServer(server), token);
    }

    /// <summary>A connection to an explicit server and token (login).</summary>
    public static Connection To(string server, string token) => new(CheckServer(server), token);

    /// <summary>The server URL, with <c>http://</c> added to a bare host:port.</summary>
    /// <exception cref="ArgumentException">Not an http or https URL.</exception>
    public static string CheckServer(string server)
    {
        var candidate = server.Contains("://", StringComparison.Ordinal) ? server : "http://" + server;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--server must be an http:// or https:// URL, got '{server}'");
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
