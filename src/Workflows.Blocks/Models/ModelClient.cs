using Microsoft.Extensions.AI;

namespace Workflows.Blocks.Models;

/// <summary>A chat client for one model of one configured provider.</summary>
/// <param name="Provider">The provider's configured name.</param>
/// <param name="Model">The model the client calls.</param>
/// <param name="Client">
/// The client. Its failures are <see cref="ModelProviderException"/>s with messages safe to show (never the API key).
/// </param>
public sealed record ModelClient(string Provider, string Model, IChatClient Client);
