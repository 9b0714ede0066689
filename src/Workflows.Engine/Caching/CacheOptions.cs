namespace Workflows.Engine.Caching;

/// <summary>
/// How much memory the parse caches may hold, in estimated bytes; bound from <c>Workflows:Caches</c>. Each is keyed by
/// source text, so a caller who sends many distinct templates or scripts (or a node that serves many edited apps) fills
/// it; at its budget a cache starts over rather than grow. Estimates, measured on .NET 10: a parsed template holds about
/// 1 KB plus 16 bytes per source character, a prepared script about 4 KB plus 40 per character.
/// </summary>
public sealed class CacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Workflows:Caches";

    /// <summary>Parsed Liquid templates (every templated block field).</summary>
    public long TemplateBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Prepared JavaScript of <c>script</c> blocks and conditions.</summary>
    public long ScriptBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Parsed workflow definitions that jobs started with and no app serves any more.</summary>
    public long DefinitionBytes { get; set; } = 32L * 1024 * 1024;
}
