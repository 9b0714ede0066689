namespace Workflows.Storage.Relational;

/// <summary>What a store's SQL spells its own way in the statements <see cref="StoreSql"/> builds.</summary>
/// <param name="ParameterPrefix">How a parameter name starts: <c>$</c>, <c>@</c>.</param>
/// <param name="AppIdInList">
/// The condition "app_id is one of the list bound to the <c>apps</c> parameter", written with <paramref name="ParameterPrefix"/>.
/// </param>
public sealed record SqlDialect(char ParameterPrefix, string AppIdInList)
{
    /// <summary>The parameter <paramref name="name"/> as the SQL text refers to it.</summary>
    public string Parameter(string name) => ParameterPrefix + name;
}
