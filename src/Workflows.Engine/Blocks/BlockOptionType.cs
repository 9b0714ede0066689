namespace Workflows.Engine.Blocks;

/// <summary>What a block option holds, as the engine checks it and as the <c>.flow</c> schema describes it.</summary>
public enum BlockOptionType
{
    /// <summary>Plain text, not rendered.</summary>
    String,

    /// <summary>Text rendered as a template before the block uses it.</summary>
    Template,

    /// <summary>JavaScript source.</summary>
    Script,

    /// <summary>A duration such as <c>500ms</c>, <c>30s</c>, <c>5m</c> or <c>PT5M</c> (text).</summary>
    Duration,

    /// <summary>A number.</summary>
    Number,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A map; string values inside are templates.</summary>
    Object,

    /// <summary>A list; string values inside are templates.</summary>
    Array,

    /// <summary>Any JSON value; strings inside are templates.</summary>
    Any,

    /// <summary>One inline block: a map with <c>type</c> and its options.</summary>
    Block,
}
