using Google.Protobuf;

namespace Workflows.Contracts.V1;

/// <summary>A <c>WatchJob</c> response whose bytes are encoded once and copied to every stream that sends it.</summary>
public sealed partial class WatchJobResponse
{
    /// <summary>
    /// A response that writes exactly the bytes of <paramref name="response"/>, encoded now: its fields are kept as
    /// unknown fields, which protobuf writes out by copying, so a thousand gRPC streams sending it encode the event once
    /// instead of a thousand times. Only for the binary wire: its <see cref="Event"/> reads as null, and JSON (which
    /// leaves unknown fields out) would be empty, so REST keeps <paramref name="response"/> itself.
    /// </summary>
    public static WatchJobResponse Encoded(WatchJobResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var encoded = new WatchJobResponse();
        var input = new CodedInputStream(response.ToByteArray());
        while (input.ReadTag() != 0)
        {
            encoded._unknownFields = UnknownFieldSet.MergeFieldFrom(encoded._unknownFields, input);
        }

        return encoded;
    }
}
