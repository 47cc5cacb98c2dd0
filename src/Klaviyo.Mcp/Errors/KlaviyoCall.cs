using Klaviyo.Client;

namespace Klaviyo.Mcp.Errors;

/// <summary>Runs a Klaviyo call for a tool, so that a failure is explained in that tool's terms.</summary>
public static class KlaviyoCall
{
    public static async Task<T> RunAsync<T>(KlaviyoOperation operation, Func<Task<T>> call, string? progress = null)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KlaviyoException failure)
        {
            throw new KlaviyoToolException(operation, failure, progress);
        }
    }

    public static async Task RunAsync(KlaviyoOperation operation, Func<Task> call, string? progress = null)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (KlaviyoException failure)
        {
            throw new KlaviyoToolException(operation, failure, progress);
        }
    }
}
