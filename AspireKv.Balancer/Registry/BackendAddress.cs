using System.Diagnostics.CodeAnalysis;

namespace AspireKv.Balancer.Registry;

/// <summary>Validates and normalises backend addresses, so one backend never becomes two destinations.</summary>
internal static class BackendAddress
{
    /// <summary>
    /// Parses an absolute http(s) URL with no path, query or credentials and returns it in one canonical
    /// form (lower-case scheme and host, explicit port, trailing slash).
    /// </summary>
    public static bool TryNormalize(string? address, [NotNullWhen(true)] out Uri? normalized)
    {
        normalized = null;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        normalized = new UriBuilder(uri.Scheme, uri.Host.ToLowerInvariant(), uri.Port).Uri;
        return true;
    }
}
