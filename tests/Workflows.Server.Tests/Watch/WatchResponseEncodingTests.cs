using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;

namespace Workflows.Server.Tests.Watch;

/// <summary>gRPC watchers get a response encoded once per event: on the wire it must be the very message it stands for.</summary>
public sealed class WatchResponseEncodingTests
{
    [Fact]
    public void Encoded_AnEventWithOutputAndData_WritesTheSameBytesAndReadsBackEqual()
    {
        var response = new WatchJobResponse
        {
            Event = new JobEvent
            {
                JobId = Guid.NewGuid().ToString(),
                Sequence = 42,
                Type = "block_completed",
                BlockId = "shout",
                Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                Output = Value.ForString("OTTERS ✓"),
                Data = new Struct { Fields = { ["n"] = Value.ForNumber(3), ["list"] = Value.ForList(Value.ForBool(true), Value.ForNull()) } },
            },
        };

        var encoded = WatchJobResponse.Encoded(response);

        Assert.Equal(response.ToByteArray(), encoded.ToByteArray());
        Assert.Equal(response.CalculateSize(), encoded.CalculateSize());
        Assert.Equal(response, WatchJobResponse.Parser.ParseFrom(encoded.ToByteString()));
    }
}
