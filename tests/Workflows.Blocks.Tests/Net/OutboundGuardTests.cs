using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Net;

namespace Workflows.Blocks.Tests.Net;

public sealed class OutboundGuardTests
{
    private static OutboundGuard Guard(params string[] allow) => new(Options.Create(new OutboundOptions { Allow = allow }));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456:789a::1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("2002:7f00:1::", "loopback")]
    public void RefusalReason_RestrictedAddress_NamesItsKind(string address, string kind)
    {
        var reason = Guard().RefusalReason(IPAddress.Parse(address), "target.example");

        Assert.NotNull(reason);
        Assert.Contains($" is {(kind[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a")} {kind} address", reason);
        Assert.False(Guard().IsAllowed(IPAddress.Parse(address), "target.example"));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void IsAllowed_PublicAddress_IsAllowed(string address) =>
        Assert.True(Guard().IsAllowed(IPAddress.Parse(address), "public.example"));

    [Fact]
    public void RefusalReason_MetadataAddress_SaysHowToAllowIt() =>
        Assert.Equal(
            "outbound request to metadata.internal refused: 169.254.169.254 is a link-local address (allow it with Workflows:Outbound:Allow)",
            Guard().RefusalReason(IPAddress.Parse("169.254.169.254"), "metadata.internal"));

    [Fact]
    public void IsAllowed_CidrEntry_AllowsOnlyThatRange()
    {
        var guard = Guard("10.1.0.0/16", "fd00::/8");

        Assert.True(guard.IsAllowed(IPAddress.Parse("10.1.2.3"), "a"));
        Assert.True(guard.IsAllowed(IPAddress.Parse("::ffff:10.1.2.3"), "a"));
        Assert.False(guard.IsAllowed(IPAddress.Parse("10.2.0.1"), "a"));
        Assert.True(guard.IsAllowed(IPAddress.Parse("fd00::5"), "a"));
        Assert.False(guard.IsAllowed(IPAddress.Parse("fc00::5"), "a"));
    }

    [Fact]
    public void IsAllowed_AddressEntries_AllowExactlyThoseAddresses()
    {
        var guard = Guard("::1", "127.0.0.1", "[fe80::1]");

        Assert.True(guard.IsAllowed(IPAddress.IPv6Loopback, "x"));
        Assert.True(guard.IsAllowed(IPAddress.Loopback, "x"));
        Assert.True(guard.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), "x"));
        Assert.True(guard.IsAllowed(IPAddress.Parse("fe80::1"), "x"));
        Assert.False(guard.IsAllowed(IPAddress.Parse("127.0.0.2"), "x"));
    }

    [Fact]
    public void IsAllowed_HostNameEntry_AllowsThatNameWhateverItResolvesTo()
    {
        var guard = Guard("localhost", "*.corp.example");

        Assert.True(guard.IsAllowed(IPAddress.Loopback, "localhost"));
        Assert.True(guard.IsAllowed(IPAddress.Loopback, "LOCALHOST."));
        Assert.True(guard.IsAllowed(IPAddress.Parse("10.0.0.7"), "api.corp.example"));
        Assert.False(guard.IsAllowed(IPAddress.Parse("10.0.0.7"), "corp.example.evil"));
        Assert.False(guard.IsAllowed(IPAddress.Loopback, "127.0.0.1"));
    }

    [Fact]
    public void Constructor_BadCidr_FailsWithTheEntry()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Guard("10.0.0.0/99"));

        Assert.Contains("'10.0.0.0/99'", e.Message);
    }

    [Theory]
    [InlineData("ftp://example.com/x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative")]
    public void ValidateUrl_NotHttp_IsRefused(string url) =>
        Assert.EndsWith("is not an absolute http(s) URL", Guard().ValidateUrl(url));

    [Theory]
    [InlineData("http://127.0.0.1:8080/cb", "127.0.0.1 is a loopback address")]
    [InlineData("http://[::1]/cb", "::1 is a loopback address")]
    [InlineData("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address")]
    [InlineData("http://[::ffff:192.168.0.1]/", "is a private address")]
    public async Task ValidateUrlAsync_RestrictedLiteral_IsRefused(string url, string expected)
    {
        Assert.Contains(expected, await Guard().ValidateUrlAsync(url));
        Assert.Contains(expected, Guard().ValidateUrl(url));
    }

    [Fact]
    public async Task ValidateUrlAsync_HostResolvingToLoopback_IsRefusedUnlessAllowed()
    {
        Assert.Contains("is a loopback address", await Guard().ValidateUrlAsync("http://localhost:9/"));
        Assert.Null(await Guard("localhost").ValidateUrlAsync("http://localhost:9/"));
        Assert.Null(await Guard("127.0.0.1").ValidateUrlAsync("http://127.0.0.1:9/"));
    }

    [Fact]
    public async Task ValidateUrlAsync_PublicLiteral_Passes() =>
        Assert.Null(await Guard().ValidateUrlAsync("https://8.8.8.8/"));

    [Fact]
    public async Task CreateHandler_LoopbackTarget_NeverConnects()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("hi"));
        using var client = new HttpClient(Guard().CreateHandler());

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(server.Url));

        Assert.NotNull(OutboundRefusedException.Find(e));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task CreateHandler_AllowedTarget_Connects()
    {
        await using var server = await LoopbackServer.StartAsync((context, _) => context.Response.WriteAsync("hi"));
        using var client = new HttpClient(Guard("127.0.0.0/8").CreateHandler());

        Assert.Equal("hi", await client.GetStringAsync(server.Url));
    }
}
