using Grpc.Net.Client;

namespace Bench.Load;

/// <summary>A few h2c channels to spread callers over; each may open more connections when its streams run out.</summary>
internal static class Channels
{
    public static GrpcChannel[] Create(string url, int count) =>
        Enumerable.Range(0, Math.Max(1, count)).Select(_ => GrpcChannel.ForAddress(url, new GrpcChannelOptions
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
