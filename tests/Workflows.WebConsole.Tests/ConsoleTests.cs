using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using Workflows.Contracts.V1;
using Workflows.WebConsole.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Workflows.WebConsole.Tests;

/// <summary>The console in a real Chromium: what a user does, through the page only, checked on the page.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task SignIn_BadThenGoodToken_ShowsAppsAndSurvivesReload()
    {
        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;

        await page.GotoAsync("/console/jobs");
        await Expect(page).ToHaveURLAsync(new Regex("/console/sign-in\\?returnUrl=%2Fconsole%2Fjobs"));
        await page.GetByLabel("token", new() { Exact = true }).FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not signed in");
        await console.ScreenshotAsync("sign-in-refused");

        var token = fixture.AdminToken();
        await page.GetByLabel("token", new() { Exact = true }).FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Back where the user was going, signed in; the token is in no URL.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Jobs", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync("/console/apps");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Blog Writer blog" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Blog Writer blog" })).ToBeVisibleAsync();
        await console.ScreenshotAsync("apps");

        Assert.DoesNotContain(console.Requests, url => url.Contains(token, StringComparison.Ordinal));
        Assert.Empty(console.ForeignRequests());
    }

    [Fact]
    public async Task RunForm_BlogApp_ShowsLiveResultAndSurvivesReload()
    {
        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(fixture.AdminToken());

        await page.GetByRole(AriaRole.Link, new() { Name = "Run blog main" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Run blog / main" })).ToBeVisibleAsync();
        // The form comes from the launch variables: labels are their names, the default is filled in.
        await Expect(page.GetByLabel("tone", new() { Exact = true })).ToHaveValueAsync("friendly");
        await Expect(page.Locator("#var-topic-hint")).ToContainTextAsync("What to write about");
        await page.GetByLabel("topic", new() { Exact = true }).FillAsync("otters");
        await console.ScreenshotAsync("run-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(JobUrl());
        await Expect(page.GetByTestId("result")).ToHaveTextAsync("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: OTTERS");
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("succeeded");
        await Expect(page.Locator(".waterfall [data-block]")).ToHaveCountAsync(3);
        await Expect(page.Locator(".waterfall [data-block='shout'] .dur")).ToContainTextAsync("ms");
        await console.ScreenshotAsync("run-view");

        var url = page.Url;
        await page.ReloadAsync();
        Assert.Equal(url, page.Url);
        await Expect(page.GetByTestId("result")).ToHaveTextAsync("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: OTTERS");
        await Expect(page.Locator(".waterfall [data-block]")).ToHaveCountAsync(3);
        Assert.Empty(console.ForeignRequests());
    }

    [Fact]
    public async Task RunView_ModelAnswer_StreamsTextThenTokensAndCost()
    {
        fixture.Model.Hold();
        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(fixture.AdminToken());
        await page.GotoAsync("/console/apps/writer/workflows/main/run");
        await page.GetByLabel("topic", new() { Exact = true }).FillAsync("otters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        // The first piece is on the page while the provider still holds the rest: the text is streamed, not read at the end.
        var stream = page.Locator("pre.stream[data-block='draft']");
        await Expect(stream).ToHaveTextAsync(FakeModelServer.Pieces[0]);
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("running");
        await console.ScreenshotAsync("run-view-streaming");
        fixture.Model.Release();

        var answer = string.Concat(FakeModelServer.Pieces);
        await Expect(stream).ToHaveTextAsync(answer);
        await Expect(page.GetByTestId("result")).ToHaveTextAsync(answer);
        await Expect(page.GetByTestId("tokens")).ToHaveTextAsync($"{FakeModelServer.PromptTokens} in · {FakeModelServer.CompletionTokens} out");
        // 12 tokens at 1000/M plus 5 at 2000/M.
        await Expect(page.GetByTestId("cost")).ToHaveTextAsync("$0.022");
        await Expect(page.Locator(".waterfall [data-block='draft'] .dur")).Not.ToBeEmptyAsync();
        await console.ScreenshotAsync("run-view-model");
        Assert.Empty(console.ForeignRequests());
    }

    [Fact]
    public async Task RunForm_FileInput_ResultShowsImageAndDownloadLink()
    {
        // A 1×1 PNG.
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(fixture.AdminToken());
        await page.GotoAsync("/console/apps/picture/workflows/main/run");
        await page.GetByLabel("photo", new() { Exact = true }).SetInputFilesAsync(
            new FilePayload { Name = "dot.png", MimeType = "image/png", Buffer = png });
        await Expect(page.GetByText("dot.png (")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("succeeded");
        var image = page.Locator(".artifacts img");
        await Expect(image).ToHaveAttributeAsync("alt", "dot.png");
        // The picture was fetched from this origin by a signed link (an <img> sends no token) and decoded.
        await Expect(image).ToHaveAttributeAsync("src", new Regex("^/v1/files/[0-9a-f]{64}\\?"));
        await page.WaitForFunctionAsync("() => document.querySelector('.artifacts img').naturalWidth === 1");
        var download = page.GetByRole(AriaRole.Link, new() { Name = "dot.png" });
        var href = await download.GetAttributeAsync("href");
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        Assert.Equal(png, await http.GetByteArrayAsync(new Uri(href!, UriKind.Relative)));
        await console.ScreenshotAsync("run-view-file");
        Assert.Empty(console.ForeignRequests());
    }

    [Fact]
    public async Task Jobs_FilterByStateAndApp_ListsOnlyMatchingJobs()
    {
        var token = fixture.AdminToken();
        var done = await StartAsync(token, "blog", new() { ["topic"] = "filters" }, waitSeconds: 30);
        var held = await StartAsync(token, "hold", []);
        await WaitForStateAsync(token, held, JobState.Waiting);

        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(token);
        await page.GotoAsync("/console/jobs");
        await page.GetByLabel("state", new() { Exact = true }).SelectOptionAsync("waiting");
        await Expect(page).ToHaveURLAsync(new Regex("state=waiting"));
        await Expect(page.Locator($"tr[data-job='{held}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-job='{done}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("tbody .state")).Not.ToContainTextAsync(["succeeded"]);

        await page.GetByLabel("state", new() { Exact = true }).SelectOptionAsync("");
        await Expect(page).ToHaveURLAsync(new Regex("/console/jobs$"));
        await Expect(page.Locator($"tr[data-job='{done}']")).ToBeVisibleAsync();
        await page.GetByLabel("app", new() { Exact = true }).SelectOptionAsync("blog");
        await Expect(page).ToHaveURLAsync(new Regex("app=blog"));
        await Expect(page.Locator($"tr[data-job='{done}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-job='{held}']")).ToHaveCountAsync(0);
        await console.ScreenshotAsync("jobs-filtered");

        await page.GetByLabel("job id", new() { Exact = true }).FillAsync(held);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console/jobs/" + held + "$"));
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("waiting");
    }

    [Fact]
    public async Task Cancel_WaitingJob_EndsCancelled()
    {
        var token = fixture.AdminToken();
        var held = await StartAsync(token, "hold", []);

        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(token);
        await page.GotoAsync("/console/jobs/" + held);
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("waiting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("cancelled");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true })).ToBeDisabledAsync();
        await console.ScreenshotAsync("cancelled");

        var job = (await fixture.Grpc.GetJobAsync(new GetJobRequest { JobId = held }, ConsoleFixture.Bearer(token))).Job;
        Assert.Equal(JobState.Cancelled, job.State);
    }

    [Fact]
    public async Task Approve_WaitingJob_FormFromSchemaSendsSignal()
    {
        var token = fixture.AdminToken();
        var job = await StartAsync(token, "approve", new() { ["topic"] = "otters" });

        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(token);
        await page.GotoAsync("/console/jobs/" + job);
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("waiting");
        await Expect(page.Locator(".wait-message")).ToHaveTextAsync("Publish the draft about otters?");
        await page.GetByLabel("approved", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("note", new() { Exact = true }).FillAsync("ship it");
        await console.ScreenshotAsync("approval");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        await Expect(page.GetByTestId("result")).ToHaveTextAsync("approved=true note=ship it");
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("succeeded");
    }

    [Fact]
    public async Task Rerun_FinishedJob_OpensNewJobAndRerunFromBlock()
    {
        var token = fixture.AdminToken();
        var original = await StartAsync(token, "blog", new() { ["topic"] = "reruns" }, waitSeconds: 30);

        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(token);
        await page.GotoAsync("/console/jobs/" + original);
        await Expect(page.GetByTestId("job-state")).ToHaveTextAsync("succeeded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rerun", Exact = true }).ClickAsync();

        await Expect(page).Not.ToHaveURLAsync(new Regex(original));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = original })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("result")).ToHaveTextAsync("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: RERUNS");
        var rerun = page.Url;

        await page.GetByLabel("from block", new() { Exact = true }).SelectOptionAsync("shout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rerun from block", Exact = true }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(rerun);
        await Expect(page.GetByTestId("result")).ToHaveTextAsync("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: RERUNS");
        await console.ScreenshotAsync("rerun-from-block");
    }

    [Fact]
    public async Task Xss_MarkupOutputAndDescription_RenderedAsTextNothingRuns()
    {
        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(fixture.AdminToken());
        await page.GotoAsync("/console/apps/xss/workflows/main/run");
        await Expect(page.Locator("#var-note-hint")).ToContainTextAsync("<script>alert(2)</script>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await Expect(page.GetByTestId("result")).ToHaveTextAsync("<img src=x onerror=alert(1)>");
        await Expect(page.Locator(".variables")).ToContainTextAsync("<b>bold?</b>");
        // Shown as text: no element was made from it, and no script ran (no dialog opened).
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await page.Locator("main script, main b").CountAsync());
        // A script that ran would have had time to: wait for one more round trip of the circuit.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("result")).ToHaveTextAsync("<img src=x onerror=alert(1)>");
        await console.ScreenshotAsync("xss-as-text");
        Assert.Empty(console.Dialogs);
        Assert.Empty(console.ForeignRequests());
    }

    [Fact]
    public async Task OtherOrganisationsJob_IsA404Page()
    {
        var acmeJob = await StartAsync(fixture.AdminToken("acme"), "acme-secret", [], waitSeconds: 30);

        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(fixture.AdminToken());
        await page.GotoAsync("/console/jobs/" + acmeJob);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Job not found" })).ToBeVisibleAsync();
        await Expect(page.Locator(".notfound .code")).ToHaveTextAsync("404");
        await Expect(page.GetByText("ACME SECRET")).ToHaveCountAsync(0);
        await console.ScreenshotAsync("other-org-404");
    }

    [Fact]
    public async Task Schedules_CreatePauseDelete()
    {
        await using var console = await ConsolePage.OpenAsync(fixture, output);
        var page = console.Page;
        await console.SignInAsync(fixture.AdminToken());
        await page.GotoAsync("/console/schedules");
        var id = "console-" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("id", new() { Exact = true }).FillAsync(id);
        await page.GetByLabel("appId", new() { Exact = true }).SelectOptionAsync("blog");
        await page.GetByLabel("cron", new() { Exact = true }).FillAsync("0 7 * * 1-5");
        await page.GetByLabel("timeZone", new() { Exact = true }).FillAsync("Europe/Berlin");
        await page.GetByLabel("variables", new() { Exact = true }).FillAsync("{\"topic\":\"mornings\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

        var row = page.Locator($"tr[data-schedule='{id}']");
        await Expect(row).ToContainTextAsync("active");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause " + id }).ClickAsync();
        await Expect(row).ToContainTextAsync("paused");
        await console.ScreenshotAsync("schedules");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete " + id }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        await page.GetByLabel("cron", new() { Exact = true }).FillAsync("not a cron");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("cron");
    }

    [GeneratedRegex("/console/jobs/[0-9a-f-]{36}$")]
    private static partial Regex JobUrl();

    private async Task<string> StartAsync(string token, string app, Dictionary<string, string> variables, int waitSeconds = 0)
    {
        var request = new RunRequest { AppId = app, Wait = Duration.FromTimeSpan(TimeSpan.FromSeconds(waitSeconds)), Variables = new Struct() };
        foreach (var (name, value) in variables)
        {
            request.Variables.Fields[name] = Value.ForString(value);
        }

        var response = await fixture.Grpc.RunAsync(request, ConsoleFixture.Bearer(token));
        return response.Job.Id;
    }

    private async Task WaitForStateAsync(string token, string jobId, JobState state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var job = (await fixture.Grpc.GetJobAsync(new GetJobRequest { JobId = jobId }, ConsoleFixture.Bearer(token))).Job;
            if (job.State == state)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} is {job.State}, not {state}");
            await Task.Delay(50);
        }
    }
}
