namespace Workflows.Engine.Definitions;

/// <summary>A definition that does not parse or validate; names the file, the line and the reason.</summary>
public sealed class DefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DefinitionException(string file, int line, string reason)
        : base(line > 0 ? $"{file}:{line}: {reason}" : $"{file}: {reason}")
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    /// <summary>Creates the exception.</summary>
    public DefinitionException() : this("", 0, "invalid definition") { }

    /// <summary>Creates the exception.</summary>
    public DefinitionException(string message) : this("", 0, message) { }

    /// <summary>Creates the exception.</summary>
    public DefinitionException(string message, Exception inner) : base(message, inner)
    {
        File = "";
        Reason = message;
    }

    /// <summary>The file (e.g. <c>blog/main.flow</c>).</summary>
    public string File { get; }

    /// <summary>1-based line, or 0 when not known.</summary>
    public int Line { get; }

    /// <summary>1-based column where the reader knows it (YAML syntax errors), else 0.</summary>
    public int Column { get; init; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
