namespace Workflows.Engine.Blocks;

/// <summary>
/// Declares one option of a block (a key next to <c>type</c> in a <c>.flow</c> file). The engine refuses unknown and
/// missing required options and options of the wrong kind before the block's own <see cref="IBlock.Validate"/> runs;
/// editors and the console read the same declarations (<see cref="BlockDescriptor.OptionsSchema"/>).
/// </summary>
/// <param name="name">The key as written.</param>
/// <param name="type">What it holds.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BlockOptionAttribute(string name, BlockOptionType type) : Attribute
{
    /// <summary>The key as written.</summary>
    public string Name { get; } = name;

    /// <summary>What it holds.</summary>
    public BlockOptionType Type { get; } = type;

    /// <summary>Whether a block without it is refused.</summary>
    public bool Required { get; set; }

    /// <summary>What it means, for editors and the console.</summary>
    public string Description { get; set; } = "";

    /// <summary>The only values accepted, when the option is one of a few words (for example HTTP methods).</summary>
    public string[]? Values { get; set; }

    /// <summary>The smallest number accepted (<see cref="double.NaN"/>: no limit); numbers only.</summary>
    public double Minimum { get; set; } = double.NaN;

    /// <summary>The largest number accepted (<see cref="double.NaN"/>: no limit); numbers only.</summary>
    public double Maximum { get; set; } = double.NaN;

    /// <summary>Whether the option also accepts a template string in place of its <see cref="Type"/> (a number computed at run time).</summary>
    public bool AllowsTemplate { get; set; }
}
