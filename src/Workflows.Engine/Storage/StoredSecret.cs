namespace Workflows.Engine.Storage;

/// <summary>A secret as <see cref="ISecretStore"/> keeps it. Never logged.</summary>
/// <param name="Name">Its name, e.g. <c>signing-key</c> or <c>webhooks/&lt;org&gt;</c>.</param>
/// <param name="Value">The current value.</param>
/// <param name="Previous">The value a rotation replaced, or null.</param>
/// <param name="PreviousValidUntil">Until when <paramref name="Previous"/> is still used, or null.</param>
/// <param name="UpdatedAt">When it was created or last rotated.</param>
public sealed record StoredSecret(string Name, string Value, string? Previous, DateTimeOffset? PreviousValidUntil, DateTimeOffset UpdatedAt)
{
    /// <summary>Hides the values, so a secret written to a log by mistake gives nothing away.</summary>
    public override string ToString() => $"StoredSecret {{ Name = {Name}, UpdatedAt = {UpdatedAt:O} }}";
}
