using System.Text;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// A generated corpus of malformed requests for every REST path that takes a body or a query: broken JSON,
/// wrong types for every field, huge strings, deep nesting, huge arrays, oversized bodies, unicode edge cases
/// and unknown fields.
/// </summary>
public static class MalformedBodyCorpus
{
    /// <summary>One request of the corpus.</summary>
    public sealed record Case(string Name, HttpMethod Method, string Path, byte[]? Body, string ContentType = "application/json");

    /// <summary>The body-taking paths and the fields each one reads.</summary>
    private static readonly (HttpMethod Method, string Path, string[] Fields)[] BodyPaths =
    [
        (HttpMethod.Post, "/v1/runs", ["appId", "workflow", "variables", "callbackUrl", "progressUrl", "idempotencyKey", "wait"]),
        (HttpMethod.Put, "/v1/apps/hostile-app", ["name", "slug", "description", "workflows"]),
        (HttpMethod.Post, "/v1/tokens", ["action", "subject", "expiresInMs", "recipeIds"]),
        (HttpMethod.Post, $"/v1/jobs/{Guid.Empty}:cancel", ["reason"]),
        (HttpMethod.Post, "/developer/v2/apps/run", ["appId", "workflow", "variables", "callbackUrl", "progressUrl", "includeBillingCost"]),
        (HttpMethod.Post, "/developer/v2/workers/run", ["workerId", "workflow", "variables", "callbackUrl", "progressUrl"]),
        (HttpMethod.Post, "/api/v1/workflow/exec", ["workflow", "args"]),
        (HttpMethod.Post, "/api/v1/workflow/stop", ["jobId"]),
    ];

    private static readonly string[] QueryPaths =
    [
        "/v1/jobs?pageSize=abc", "/v1/jobs?pageSize=-1", "/v1/jobs?pageSize=99999999999", "/v1/jobs?pageToken=%%%",
        "/v1/jobs?pageToken=AAAA", "/v1/jobs?state=EXPLODED", "/v1/jobs?state=99", "/v1/jobs?appId=" + new string('a', 5000),
        "/v1/jobs/not-a-uuid", "/v1/jobs/%00", "/v1/jobs/" + new string('9', 3000), $"/v1/jobs/{Guid.Empty}/results",
        $"/v1/jobs/{Guid.Empty}:watch?afterSequence=-5", $"/v1/jobs/{Guid.Empty}:watch?afterSequence=abc",
        "/api/v1/workflow/results", "/api/v1/workflow/results?jobId=", "/api/v1/workflow/results?jobId=%E2%80%AE",
        "/api/v1/workflow/results?jobId=" + new string('x', 10000), "/api/v1/workflow/workflows?limit=-1",
        "/api/v1/workflow/workflows?limit=abc", "/api/v1/workflow/workflows?bookmark=%%%", "/api/v1/workflow/workflows?bookmark=____",
        "/developer/v2/workers/%2e%2e/workflows", "/developer/v2/workers/" + new string('w', 4000) + "/workflows",
        "/v1/apps/%00", "/v1/apps/" + new string('a', 3000),
    ];

    private static readonly string[] Broken =
    [
        "", "{", "}", "[", "{\"a\":", "{\"a\" 1}", "{'a': 1}", "{\"a\": 1,}", "{\"a\": NaN}", "{\"a\": Infinity}",
        "{\"a\": undefined}", "{/*c*/\"a\":1}", "// c\n{}", "\uFEFF{}", "null", "true", "42", "\"text\"", "[]",
        "{\"a\": \"\\x41\"}", "{\"a\": \"\\ud800\"}", "{\"a\": 01}", "{\"a\": 1e999}", "{\"a\": -}", "{\"a\":\"unterminated}",
        "{\"a\": tru}", "{{}}", "{\"a\": 1}{\"b\": 2}", "   ", "\0", "<xml/>", "a=1&b=2",
    ];

    private static readonly string[] WrongValues =
    [
        "123", "-1", "1.5", "true", "false", "[]", "[1,2]", "{}", "{\"x\":1}", "\"\"", "\"x\"", "[[[]]]", "1e308",
        "\"" + new string('s', 100_000) + "\"",
    ];

    private static readonly string[] Unicode =
    [
        "\u0000", "\u200B\u200D", "\u202Ehello", "🙂🙃", "\uD83D", "\uFFFF", "e\u0301", "ﷺ", "\t\r\n", "%00", "../../etc/passwd", "' OR 1=1 --",
    ];

    public static IEnumerable<Case> All()
    {
        foreach (var (method, path, fields) in BodyPaths)
        {
            foreach (var broken in Broken)
            {
                yield return new Case($"broken {broken}", method, path, Encoding.UTF8.GetBytes(broken));
            }

            yield return new Case("invalid utf-8", method, path, [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]);
            yield return new Case("binary", method, path, Enumerable.Range(0, 512).Select(i => (byte)(i * 37)).ToArray());
            yield return new Case("text/plain", method, path, Encoding.UTF8.GetBytes("{}"), "text/plain");
            foreach (var field in fields)
            {
                foreach (var value in WrongValues)
                {
                    yield return new Case($"{field}={Truncate(value)}", method, path, Encoding.UTF8.GetBytes($"{{\"{field}\": {value}}}"));
                }

                foreach (var text in Unicode)
                {
                    var escaped = System.Text.Json.JsonSerializer.Serialize(text);
                    yield return new Case($"{field} unicode", method, path, Encoding.UTF8.GetBytes($"{{\"{field}\": {escaped}}}"));
                }
            }

            yield return new Case("deep nesting", method, path, Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)));
            yield return new Case("deep object", method, path, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)));
            yield return new Case("huge array", method, path, Encoding.UTF8.GetBytes($"{{\"{fields[0]}\": [{string.Join(',', Enumerable.Repeat("1", 200_000))}]}}"));
            yield return new Case("huge string", method, path, Encoding.UTF8.GetBytes($"{{\"{fields[0]}\": \"{new string('h', 3_000_000)}\"}}"));
            yield return new Case("unknown fields", method, path, Encoding.UTF8.GetBytes("{\"surprise\": {\"nested\": [1, {\"x\": null}]}, \"__proto__\": {}}"));
            yield return new Case("many keys", method, path, Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":{i}")) + "}"));
        }

        foreach (var path in QueryPaths)
        {
            yield return new Case("query", HttpMethod.Get, path, null);
        }
    }

    /// <summary>A body over the server's 32 MiB limit, sent once per body path.</summary>
    public static IEnumerable<Case> Oversized()
    {
        var body = Encoding.UTF8.GetBytes("{\"appId\": \"" + new string('o', 33 * 1024 * 1024) + "\"}");
        return BodyPaths.Select(p => new Case("oversized", p.Method, p.Path, body));
    }

    private static string Truncate(string value) => value.Length <= 20 ? value : value[..20] + "…";
}
