using Grpc.Core;
using Microsoft.JSInterop;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// The signed-in user of one circuit (one browser tab): the pasted token, kept in the tab's sessionStorage so that a
/// reload keeps the user signed in, and never put in a URL. Every API call of the console carries it.
/// </summary>
internal sealed class ConsoleSession(IJSRuntime js)
{
    private const string StorageKey = "workflows.token";

    /// <summary>True once the token was looked for in sessionStorage (it may not be there).</summary>
    public bool Restored { get; private set; }

    public string? Token { get; private set; }

    public string? OrganizationName { get; set; }

    public bool SignedIn => Token is not null;

    /// <summary>The call headers that authenticate a call as this user.</summary>
    public Metadata Headers => new() { { "authorization", "Bearer " + Token } };

    public async Task RestoreAsync()
    {
        if (!Restored)
        {
            Token = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey) is { Length: > 0 } token ? token : null;
            OrganizationName = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey + ".org");
            Restored = true;
        }
    }

    public async Task SignInAsync(string token, string organizationName)
    {
        Token = token;
        OrganizationName = organizationName;
        Restored = true;
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, token);
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey + ".org", organizationName);
    }

    public async Task SignOutAsync()
    {
        Token = null;
        OrganizationName = null;
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey + ".org");
    }
}
