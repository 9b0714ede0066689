using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Workflows.Cli.Client;

/// <summary>
/// Where a command writes: JSON for scripts (<c>-o json</c>), Spectre.Console tables and colour on a terminal, plain
/// tab-separated lines when the output is piped. Colour follows <c>NO_COLOR</c> (https://no-color.org).
/// </summary>
public sealed class Output
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private Output(TextWriter writer, TextWriter error, bool json, bool terminal)
    {
        Writer = writer;
        Error = error;
        Json = json;
        Terminal = terminal;
        var color = terminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
    }

    /// <summary>The command's standard output.</summary>
    public TextWriter Writer { get; }

    /// <summary>The command's standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>True for <c>-o json</c>.</summary>
    public bool Json { get; }

    /// <summary>True when standard output is a terminal (not piped, not redirected).</summary>
    public bool Terminal { get; }

    /// <summary>The Spectre console over <see cref="Writer"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The output of a parsed command line.</summary>
    public static Output For(ParseResult parsed)
    {
        var writer = parsed.InvocationConfiguration.Output;
        var terminal = ReferenceEquals(writer, System.Console.Out) && !System.Console.IsOutputRedirected;
        return new Output(writer, parsed.InvocationConfiguration.Error, parsed.GetValue(GlobalOptions.Output) == "json", terminal);
    }

    /// <summary>A message as one line of JSON (protobuf's JSON mapping, camelCase names).</summary>
    public static string ToJson(IMessage message) => Formatter.Format(message);

    /// <summary>Writes <paramref name="message"/> as one JSON line.</summary>
    public void WriteJson(IMessage message)
    {
        Writer.WriteLine(ToJson(message));
        Writer.Flush();
    }

    /// <summary>Writes a line; <paramref name="markup"/> on a terminal, <paramref name="plain"/> otherwise.</summary>
    public void Line(string markup, string plain)
    {
        if (Terminal)
        {
            Console.MarkupLine(markup);
        }
        else
        {
            Writer.WriteLine(plain);
            Writer.Flush();
        }
    }

    /// <summary>Writes text as it is (no line end), dimmed on a terminal.</summary>
    public void Stream(string text)
    {
        if (Terminal)
        {
            Console.Write(new Text(text, new Style(decoration: Decoration.None, foreground: Color.Grey)));
        }
        else
        {
            Writer.Write(text);
            Writer.Flush();
        }
    }

    /// <summary>A table on a terminal; a header line and one tab-separated line per row otherwise.</summary>
    public void Table(string[] headers, IEnumerable<string[]> rows)
    {
        if (Terminal)
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (var header in headers)
            {
                table.AddColumn(new TableColumn(Markup.Escape(header)));
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(cell => new Text(cell)).ToArray<Spectre.Console.Rendering.IRenderable>());
            }

            Console.Write(table);
            return;
        }

        Writer.WriteLine(string.Join('\t', headers));
        foreach (var row in rows)
        {
            Writer.WriteLine(string.Join('\t', row));
        }

        Writer.Flush();
    }

    /// <summary>Name / value lines (a job, an app, a schedule).</summary>
    public void Fields(IEnumerable<(string Name, string Value)> fields)
    {
        var shown = fields.Where(f => !string.IsNullOrEmpty(f.Value)).ToList();
        var width = shown.Count == 0 ? 0 : shown.Max(f => f.Name.Length);
        foreach (var (name, value) in shown)
        {
            Line($"[grey]{Markup.Escape(name.PadRight(width))}[/]  {Markup.Escape(value)}", $"{name.PadRight(width)}  {value}");
        }
    }

    /// <summary>A value for people: a string as it is, anything else as indented JSON.</summary>
    public static string Show(Value? value)
    {
        if (value is null || value.KindCase == Value.KindOneofCase.None)
        {
            return "";
        }

        if (value.KindCase == Value.KindOneofCase.StringValue)
        {
            return value.StringValue;
        }

        return JsonNode.Parse(Formatter.Format(value))?.ToJsonString(Indented) ?? "null";
    }

    /// <summary>A struct on one line of JSON, or empty.</summary>
    public static string Show(Struct? value) => value is null || value.Fields.Count == 0 ? "" : Formatter.Format(value);

    /// <summary>A timestamp in UTC, ISO 8601 to the second, or empty.</summary>
    public static string Show(Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A duration for people: 850ms, 1.2s, 3m04s.</summary>
    public static string Show(Duration? duration)
    {
        if (duration is null)
        {
            return "";
        }

        var span = duration.ToTimeSpan();
        return span.TotalSeconds < 1 ? $"{(int)span.TotalMilliseconds}ms"
            : span.TotalMinutes < 1 ? span.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "s"
            : $"{(int)span.TotalMinutes}m{span.Seconds:00}s";
    }
}
