using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Workflows.Server.Hosting;

/// <summary>
/// Checks one options class and names each bad setting by its full configuration key
/// (<c>Workflows:Jobs:SyncWait must be positive</c>), so an operator knows which line of which file to change.
/// </summary>
internal sealed class SettingRules<T>(string section, Action<T, SettingProblems> rules) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = new SettingProblems(section);
        rules(options, problems);
        return problems.Result();
    }
}

/// <summary>The problems found in one section; each check takes the property and reads its name from the call.</summary>
internal sealed class SettingProblems(string section)
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Records <paramref name="problem"/> against <paramref name="key"/> (relative to the section) unless <paramref name="ok"/>.</summary>
    public void Require(bool ok, string key, string problem)
    {
        if (!ok)
        {
            _problems.Add($"{section}:{key} {problem}");
        }
    }

    public void Positive(TimeSpan value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value > TimeSpan.Zero, Key(expression), $"must be a positive duration (it is {value})");

    public void NotNegative(TimeSpan value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value >= TimeSpan.Zero, Key(expression), $"must not be negative (it is {value})");

    public void Positive(long value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value > 0, Key(expression), $"must be positive (it is {value})");

    public void NotNegative(long value, [CallerArgumentExpression(nameof(value))] string expression = "") =>
        Require(value >= 0, Key(expression), $"must not be negative (it is {value})");

    public ValidateOptionsResult Result() =>
        _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    /// <summary><c>o.Jobs.SyncWait</c> → <c>SyncWait</c>.</summary>
    private static string Key(string expression) => expression[(expression.LastIndexOf('.') + 1)..];
}
