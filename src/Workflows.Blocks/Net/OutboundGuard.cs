using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Net.Internal;

namespace Workflows.Blocks.Net;

/// <summary>
/// Keeps outbound requests away from loopback, private, link-local, CGNAT, multicast and unspecified addresses
/// (IPv4, IPv6 and IPv4 inside IPv6) unless the address or host name is in <see cref="OutboundOptions.Allow"/>.
/// It is enforced where the socket connects (<see cref="CreateHandler"/>), after DNS resolution, so neither DNS
/// rebinding nor redirects get around it.
/// </summary>
public sealed class OutboundGuard
{
    /// <summary>The named <see cref="HttpClient"/> whose connections go through the guard (with retries for blocks).</summary>
    public const string HttpClientName = "workflows-outbound";

    /// <summary>The most redirects a guarded client follows.</summary>
    public const int MaxRedirects = 5;

    private readonly AllowList _allow;
    private readonly ILogger _logger;

    /// <summary>Creates the guard; an invalid CIDR entry in the allow list fails here, at start.</summary>
    public OutboundGuard(IOptions<OutboundOptions> options, ILogger<OutboundGuard>? logger = null)
    {
        _allow = new AllowList(options.Value.Allow);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>True when a connection to <paramref name="address"/>, reached by <paramref name="host"/>, may be made.</summary>
    public bool IsAllowed(IPAddress address, string host) => RefusalReason(address, host) is null;

    /// <summary>Why a connection to <paramref name="address"/> (for <paramref name="host"/>) is refused, or null when it is allowed.</summary>
    public string? RefusalReason(IPAddress address, string host)
    {
        var kind = AddressRanges.Classify(address);
        if (kind is null || _allow.Contains(address) || _allow.Contains(host))
        {
            return null;
        }

        var article = kind[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";
        return $"outbound request to {AllowList.NormalizeHost(host)} refused: {address} is {article} {kind} address "
            + $"(allow it with {OutboundOptions.SectionName}:Allow)";
    }

    /// <summary>
    /// Checks a URL before it is used (a callback URL, say): absolute http(s), and its host is or resolves to an
    /// allowed address. Returns the problem, or null when the URL is fine. The connection is checked again anyway.
    /// </summary>
    public async ValueTask<string?> ValidateUrlAsync(string url, CancellationToken cancellationToken = default)
    {
        if (ParseUrl(url, out var uri) is { } error)
        {
            return error;
        }

        var host = AllowList.NormalizeHost(uri.IdnHost);
        if (IPAddress.TryParse(host, out var literal))
        {
            return RefusalReason(literal, host);
        }

        try
        {
            return CheckResolved(host, await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false));
        }
        catch (SocketException e)
        {
            return $"cannot resolve {host}: {e.Message}";
        }
    }

    /// <summary>The blocking form of <see cref="ValidateUrlAsync"/>, for callers that cannot await.</summary>
    public string? ValidateUrl(string url)
    {
        if (ParseUrl(url, out var uri) is { } error)
        {
            return error;
        }

        var host = AllowList.NormalizeHost(uri.IdnHost);
        if (IPAddress.TryParse(host, out var literal))
        {
            return RefusalReason(literal, host);
        }

        try
        {
            return CheckResolved(host, Dns.GetHostAddresses(host));
        }
        catch (SocketException e)
        {
            return $"cannot resolve {host}: {e.Message}";
        }
    }

    /// <summary>
    /// A handler whose every connection (first request, redirect, reconnect) resolves the host, checks each address
    /// and connects only to an allowed one. Redirects are followed (at most <see cref="MaxRedirects"/>).
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        // A proxy would open the connection to the target on our behalf, past the check.
        UseProxy = false,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = MaxRedirects,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        // Re-resolve now and then: a pooled connection keeps the address it was checked with.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> of <see cref="CreateHandler"/>.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = AllowList.NormalizeHost(context.DnsEndPoint.Host);
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        string? refusal = null;
        Exception? lastError = null;
        foreach (var address in addresses)
        {
            if (RefusalReason(address, host) is { } reason)
            {
                refusal ??= reason;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (lastError is not null)
        {
            ExceptionDispatchInfo.Throw(lastError);
        }

        refusal ??= $"outbound request to {host} refused: it has no address";
        OutboundLog.Refused(_logger, host, refusal);
        throw new OutboundRefusedException(refusal);
    }

    private string? CheckResolved(string host, IPAddress[] addresses)
    {
        string? refusal = null;
        foreach (var address in addresses)
        {
            var reason = RefusalReason(address, host);
            if (reason is null)
            {
                return null;
            }

            refusal ??= reason;
        }

        return refusal ?? $"cannot resolve {host}: it has no address";
    }

    private static string? ParseUrl(string url, out Uri uri)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out uri!) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            uri = null!;
            return $"'{(url.Length <= 100 ? url : url[..100] + "…")}' is not an absolute http(s) URL";
        }

        return null;
    }
}
