using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// A dedicated server with the outbound guard's default allow list (the shared server allows 127.0.0.1 for its
/// callback receiver), except <see cref="AllowedAddress"/>: a second loopback address, so a test can run an allowed
/// server there that redirects to 127.0.0.1.
/// </summary>
public sealed class OutboundServerFixture : IAsyncLifetime
{
    /// <summary>The only restricted address this server may reach (Linux answers on all of 127.0.0.0/8).</summary>
    public const string AllowedAddress = "127.0.0.2";

    /// <summary>The server.</summary>
    public ServerFixture Server { get; } = ServerFixture.WithSettings(new Dictionary<string, string?>
    {
        ["Workflows:Outbound:Allow:0"] = AllowedAddress,
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
