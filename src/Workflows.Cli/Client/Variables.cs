using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Workflows.Cli.Client;

/// <summary>Launch variables from the command line: <c>--var name=text</c> (a string; the server coerces it to the
/// declared type), <c>--var name:=JSON</c> (a number, boolean, object or list as written), and <c>--vars-file F</c>
/// (a JSON object; <c>--var</c>s win over it).</summary>
public static class Variables
{
    /// <summary>The variables as a struct.</summary>
    /// <exception cref="CliException">A malformed pair or file (exit code 2).</exception>
    public static Struct Parse(IEnumerable<string>? pairs, string? file = null)
    {
        var result = new Struct();
        if (!string.IsNullOrEmpty(file))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Usage, $"--vars-file: cannot read {file}: {e.Message}", e);
            }

            try
            {
                result.MergeFrom(JsonParser.Default.Parse<Struct>(text));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new CliException(ExitCodes.Usage, $"--vars-file: {file} is not a JSON object ({e.Message})", e);
            }
        }

        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException(ExitCodes.Usage, $"--var expects name=value or name:=JSON, got '{pair}'");
            }

            var raw = equals > 1 && pair[equals - 1] == ':';
            var name = pair[..(raw ? equals - 1 : equals)];
            var text = pair[(equals + 1)..];
            result.Fields[name] = raw ? ParseJson(name, text) : Value.ForString(text);
        }

        return result;
    }

    /// <summary>A JSON text as a protobuf value.</summary>
    public static Value ParseJson(string name, string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return JsonParser.Default.Parse<Value>(text);
        }
        catch (Exception e) when (e is JsonException or InvalidProtocolBufferException)
        {
            throw new CliException(ExitCodes.Usage, $"--var {name}:= expects JSON, got '{text}' ({e.Message})", e);
        }
    }
}
