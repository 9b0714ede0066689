namespace Workflows.Engine.Storage;

/// <summary>
/// A store that holds the per-organisation running-job limit itself (<see cref="ISharedLimitStore"/>) refused a new job:
/// the organisation already has <see cref="Limit"/> jobs running across all nodes. Nothing was stored.
/// </summary>
public sealed class RunningLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunningLimitException(string organizationId, int limit)
        : base($"organisation '{organizationId}' already runs {limit} jobs, its limit")
    {
        OrganizationId = organizationId;
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public RunningLimitException() : this("", 0) { }

    /// <summary>Creates the exception.</summary>
    public RunningLimitException(string message) : base(message) => OrganizationId = "";

    /// <summary>Creates the exception.</summary>
    public RunningLimitException(string message, Exception inner) : base(message, inner) => OrganizationId = "";

    /// <summary>The organisation at its limit.</summary>
    public string OrganizationId { get; }

    /// <summary>The limit it is at.</summary>
    public int Limit { get; }
}
