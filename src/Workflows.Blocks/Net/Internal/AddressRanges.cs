using System.Net;
using System.Net.Sockets;

namespace Workflows.Blocks.Net.Internal;

/// <summary>The address ranges outbound requests may not reach unless allowed, each with the word messages use for it.</summary>
internal static class AddressRanges
{
    private static readonly (IPNetwork Network, string Kind)[] Restricted =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"), // includes the cloud metadata address 169.254.169.254
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"), // includes broadcast 255.255.255.255
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "private"), // deprecated site-local
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    // IPv6 forms that carry an IPv4 address a gateway may forward to: the embedded address is what counts.
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork IPv4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>What kind of restricted address this is (<c>loopback</c>, <c>private</c> …), or null for a public one.</summary>
    public static string? Classify(IPAddress address)
    {
        var target = Normalize(address);
        foreach (var (network, kind) in Restricted)
        {
            if (network.Contains(target))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The IPv4 address inside an IPv4-mapped, NAT64, IPv4-compatible or 6to4 IPv6 address; else the address.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out _))
        {
            return address;
        }

        var unscoped = new IPAddress(bytes);
        if (Nat64.Contains(unscoped)
            || (IPv4Compatible.Contains(unscoped) && !unscoped.Equals(IPAddress.IPv6Any) && !unscoped.Equals(IPAddress.IPv6Loopback)))
        {
            return new IPAddress(bytes[12..]);
        }

        return SixToFour.Contains(unscoped) ? new IPAddress(bytes[2..6]) : unscoped;
    }
}
