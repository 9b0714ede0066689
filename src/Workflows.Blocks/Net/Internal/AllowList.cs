using System.Net;

namespace Workflows.Blocks.Net.Internal;

/// <summary>The parsed <see cref="OutboundOptions.Allow"/> entries: networks, exact host names and <c>*.suffix</c> patterns.</summary>
internal sealed class AllowList
{
    private readonly List<IPNetwork> _networks = [];
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];

    public AllowList(IEnumerable<string> entries)
    {
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            if (entry.Contains('/', StringComparison.Ordinal))
            {
                _networks.Add(IPNetwork.TryParse(entry, out var network)
                    ? network
                    : throw new InvalidOperationException($"{OutboundOptions.SectionName}:Allow: '{entry}' is not a valid CIDR range"));
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                var normalized = AddressRanges.Normalize(address);
                _networks.Add(new IPNetwork(normalized, normalized.GetAddressBytes().Length * 8));
            }
            else if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                _suffixes.Add(NormalizeHost(entry[1..]));
            }
            else
            {
                _hosts.Add(NormalizeHost(entry));
            }
        }
    }

    /// <summary>True when the address is in an allowed network.</summary>
    public bool Contains(IPAddress address)
    {
        var normalized = AddressRanges.Normalize(address);
        return _networks.Exists(n => n.Contains(normalized) || n.Contains(address));
    }

    /// <summary>True when the host name is allowed, exactly or by a <c>*.suffix</c> entry.</summary>
    public bool Contains(string host)
    {
        var name = NormalizeHost(host);
        return name.Length > 0
            && (_hosts.Contains(name) || _suffixes.Exists(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>A host name as compared: no brackets, no trailing dot.</summary>
    public static string NormalizeHost(string host) => host.Trim().Trim('[', ']').TrimEnd('.');
}
