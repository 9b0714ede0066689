using System.Collections.Concurrent;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Workflows.WebConsole.Tests.Infrastructure;

/// <summary>
/// One browser context and page for one test. Every request the page makes (documents, scripts, styles, images,
/// the circuit's WebSocket) is routed through here and its host recorded; a request to any host but 127.0.0.1 is
/// aborted. It also records any dialog (alert, confirm): a dialog means script ran that should not have.
/// </summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly IBrowserContext _context;

    private ConsolePage(ITestOutputHelper output, IBrowserContext context, IPage page)
    {
        _output = output;
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Every URL the page asked for, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Dialogs { get; } = new();

    public static async Task<ConsolePage> OpenAsync(ConsoleFixture fixture, ITestOutputHelper output)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var console = new ConsolePage(output, context, page);
        await context.RouteAsync("**/*", async route =>
        {
            console.Requests.Enqueue(route.Request.Url);
            if (new Uri(route.Request.Url).Host == "127.0.0.1")
            {
                await route.ContinueAsync();
            }
            else
            {
                await route.AbortAsync();
            }
        });
        page.WebSocket += (_, socket) => console.Requests.Enqueue(socket.Url);
        page.Dialog += async (_, dialog) =>
        {
            console.Dialogs.Enqueue(dialog.Type + ": " + dialog.Message);
            await dialog.DismissAsync();
        };
        return console;
    }

    /// <summary>Signs in through the form, as a user pasting a token would.</summary>
    public async Task SignInAsync(string token)
    {
        await Page.GotoAsync("/console/");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        await Page.GetByLabel("token", new() { Exact = true }).FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Apps", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Saves a full-page screenshot under <see cref="ConsoleFixture.ScreenshotDir"/> and prints its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(ConsoleFixture.ScreenshotDir, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine("screenshot: " + path);
        return path;
    }

    /// <summary>Hosts the page contacted other than 127.0.0.1 (expected: none).</summary>
    public IReadOnlyList<string> ForeignRequests() =>
        Requests.Where(url => new Uri(url).Host != "127.0.0.1").ToList();

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
    }
}
