namespace Workflows.Server.Tests.Infrastructure;

/// <summary>Workflows the durability tests (a killed process, a killed node) run and then check block by block.</summary>
public static class DurableFlows
{
    /// <summary>The blocks of <see cref="DelayThenShout"/>, in order.</summary>
    public static IReadOnlyList<string> DelayThenShoutBlocks { get; } = ["before", "wait", "shout", "out"];

    /// <summary>
    /// <c>before</c> (a template naming launch variable <c>n</c>), <c>wait</c> (a durable delay), <c>shout</c> (a script
    /// upper-casing <c>before</c>), <c>out</c>: the result is <c>JOB n DONE</c>. Killed during the delay, a resumed run must
    /// neither repeat <c>before</c> nor restart the wait.
    /// </summary>
    public static string DelayThenShout(string name, TimeSpan delay) => $$$"""
        name: {{{name}}}
        launchVariables:
          n: { type: string, required: true }
        blocks:
          - id: before
            type: template
            text: "job {{$launchVariables->n}}"
          - id: wait
            type: delay
            duration: {{{(int)delay.TotalSeconds}}}s
          - id: shout
            type: script
            code: "return before.toUpperCase();"
          - id: out
            type: output
            value: "{{shout}} DONE"
        """;
}
