using Microsoft.AspNetCore.Http.Features;

namespace AspireKv.Backend.Api;

/// <summary>Reads a request body whole, refusing it as soon as it is known to be over the limit.</summary>
internal static class RequestBodyReader
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // Kestrel stops reading at the limit itself, so a client that lies about its length is cut off too.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1L;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 256);
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.Length > maxBytes ? null : buffer.ToArray();
    }
}
