namespace Workflows.Engine.Jobs;

/// <summary>
/// Builds the body POSTed to a job's callback URL. The host implements it, because the body is the same object
/// its API returns for a synchronous run (which differs per API dialect).
/// </summary>
public interface ICallbackPayloadFactory
{
    /// <summary>The JSON body for a finished job; <paramref name="billingCost"/> is its cost as a decimal string.</summary>
    string Create(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost);
}
