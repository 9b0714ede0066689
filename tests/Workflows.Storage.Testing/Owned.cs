namespace Workflows.Storage.Testing;

/// <summary>Ends what a suite opened, whichever way it ends: a store or file store may be async-disposable, disposable, or neither.</summary>
internal static class Owned
{
    public static async ValueTask DisposeAsync(object? owned)
    {
        switch (owned)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
