using Google.Protobuf;
using Workflows.Engine.Jobs;
using Workflows.Server.Api;
using Workflows.Server.Api.Mapping;

namespace Workflows.Server.Delivery;

/// <summary>
/// The callback body is the object the synchronous call of the same API returns: dialect 1's run response
/// for apps/workers runs, the native RunResponse otherwise.
/// </summary>
internal sealed class CallbackPayloadFactory : ICallbackPayloadFactory
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public string Create(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost) => job.Dialect switch
    {
        "apps" => Formatter.Format(ThreadMapper.ToRunResponse(job, posts, billingCost)),
        _ => Formatter.Format(WorkflowApi.RunResponseFor(job)),
    };
}
