namespace Klaviyo.Client;

/// <summary>
/// Inside each attempt: reads the whole response body before the attempt counts as answered, so that a connection
/// that breaks in the middle of the body fails that attempt, and the retry rules treat it like a connection that
/// failed before the headers (a read is retried; a write that is not safe to repeat is not).
/// </summary>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new HttpRequestException(
                HttpRequestError.ResponseEnded,
                $"the connection broke while Klaviyo's answer ({status}) was being read",
                ex);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
