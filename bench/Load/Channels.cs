using Grpc.Net.Client;

namespace Bench.Load;

/// <summary>A few h2c channels to spread callers over; each may open more connections when its streams run out.</summary>
internal static class Channels
{
    public static GrpcChannel[] Create(string url, int count) => Create([url], count);

    /// <summary><paramref name="count"/> channels spread round-robin over <paramref name="urls"/> (one per node).</summary>
    public static GrpcChannel[] Create(string[] urls, int count) =>
        Enumerable.Range(0, Math.Max(1, count)).Select(i => GrpcChannel.ForAddress(urls[i % urls.Length], new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        })).ToArray();
}
