using System.Net.Http.Headers;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;

namespace Klaviyo.Client;

public sealed partial class KlaviyoClient
{
    /// <summary>Largest image Klaviyo accepts (5 MB).</summary>
    public const int MaxImageBytes = 5 * 1024 * 1024;

    /// <summary>
    /// A multipart/form-data upload (<c>upload_image_from_file</c>): the part <c>file</c> with the bytes, and the optional
    /// <c>name</c> and <c>hidden</c> parts. The same headers, rate-limit buckets (daily caps included), timeouts and error
    /// mapping as every other call; like any create, it is not repeated after an ambiguous failure.
    /// </summary>
    public async Task<JsonApiDocument> UploadFileAsync(ApiOperation operation, byte[] file, string fileName, string contentType, string? name, bool? hidden, CancellationToken cancellationToken)
    {
        if (file.Length > MaxImageBytes)
        {
            throw new KlaviyoPayloadTooLargeException(operation.Id, file.Length, MaxImageBytes);
        }

        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, "file", fileName);
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        if (hidden is { } h)
        {
            form.Add(new StringContent(h ? "true" : "false"), "hidden");
        }

        using var response = await SendAsync(operation, operation.Path.TrimStart('/'), null, cancellationToken, content: form).ConfigureAwait(false);
        return await ReadDocumentAsync(response, operation.Path.TrimStart('/'), cancellationToken).ConfigureAwait(false);
    }
}
