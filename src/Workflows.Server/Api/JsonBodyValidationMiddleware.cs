using System.Text.Json;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

/// <summary>
/// Checks a REST request body against the protobuf request message before transcoding reads it, so that broken
/// JSON and wrong types get a 400 that says what and where ("field 'appId' must be a string, got number")
/// instead of transcoding's generic "not correctly formatted". Unknown fields are let through (transcoding
/// ignores them), which keeps clients that send extra fields working.
/// </summary>
internal sealed class JsonBodyValidationMiddleware(RequestDelegate next)
{
    private const int MaxDepth = 64;

    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (metadata is null || metadata.HttpRule.Body != "*" || context.Request.ContentLength == 0 || ErrorResponses.IsGrpc(context)
            || !(context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        string? problem;
        try
        {
            using var document = await JsonDocument.ParseAsync(
                context.Request.Body, new JsonDocumentOptions { MaxDepth = MaxDepth }, context.RequestAborted);
            problem = Check(document.RootElement, metadata.MethodDescriptor.InputType, "");
        }
        catch (JsonException ex)
        {
            problem = $"the request body is not valid JSON: {ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.')} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            throw; // body too large and the like: Kestrel answers with its own status
        }

        if (problem is not null)
        {
            await ErrorResponses.WriteAsync(context, StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, problem);
            return;
        }

        context.Request.Body.Position = 0;
        await next(context);
    }

    private static string? Check(JsonElement element, MessageDescriptor message, string path)
    {
        switch (message.FullName)
        {
            case "google.protobuf.Value":
                return null;
            case "google.protobuf.Struct":
                return Expect(element, JsonValueKind.Object, path, "an object");
            case "google.protobuf.ListValue":
                return Expect(element, JsonValueKind.Array, path, "an array");
            case "google.protobuf.Duration":
            case "google.protobuf.Timestamp":
            case "google.protobuf.FieldMask":
                return Expect(element, JsonValueKind.String, path, "a string");
        }

        if (Expect(element, JsonValueKind.Object, path, "an object") is { } notObject)
        {
            return notObject;
        }

        foreach (var property in element.EnumerateObject())
        {
            var field = message.FindFieldByName(property.Name)
                ?? message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name);
            if (field is null || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var fieldPath = path.Length == 0 ? field.JsonName : $"{path}.{field.JsonName}";
            var problem = field switch
            {
                { IsMap: true } => CheckMap(property.Value, field, fieldPath),
                { IsRepeated: true } => CheckList(property.Value, field, fieldPath),
                _ => CheckSingle(property.Value, field, fieldPath),
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? CheckMap(JsonElement element, FieldDescriptor field, string path)
    {
        if (Expect(element, JsonValueKind.Object, path, "an object") is { } problem)
        {
            return problem;
        }

        var valueField = field.MessageType.FindFieldByNumber(2);
        foreach (var entry in element.EnumerateObject())
        {
            if (CheckSingle(entry.Value, valueField, $"{path}.{entry.Name}") is { } entryProblem)
            {
                return entryProblem;
            }
        }

        return null;
    }

    private static string? CheckList(JsonElement element, FieldDescriptor field, string path)
    {
        if (Expect(element, JsonValueKind.Array, path, "an array") is { } problem)
        {
            return problem;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (CheckSingle(item, field, $"{path}[{index++}]") is { } itemProblem)
            {
                return itemProblem;
            }
        }

        return null;
    }

    private static string? CheckSingle(JsonElement element, FieldDescriptor field, string path) => field.FieldType switch
    {
        FieldType.String or FieldType.Bytes => Expect(element, JsonValueKind.String, path, "a string"),
        FieldType.Bool => element.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Wrong(path, "true or false", element),
        FieldType.Message => Check(element, field.MessageType, path),
        FieldType.Enum => element.ValueKind is JsonValueKind.String or JsonValueKind.Number ? null : Wrong(path, "an enum name", element),
        _ => element.ValueKind is JsonValueKind.Number or JsonValueKind.String ? null : Wrong(path, "a number", element),
    };

    private static string? Expect(JsonElement element, JsonValueKind kind, string path, string what) =>
        element.ValueKind == kind ? null : Wrong(path, what, element);

    private static string Wrong(string path, string what, JsonElement element)
    {
        var got = element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };
        return path.Length == 0 ? $"the request body must be {what}, got {got}" : $"field '{path}' must be {what}, got {got}";
    }
}
