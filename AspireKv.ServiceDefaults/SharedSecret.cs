using System.Security.Cryptography;
using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>Checks a presented secret against the configured one in constant time. Pure.</summary>
public static class SharedSecret
{
    /// <summary>
    /// True when <paramref name="authorization"/> is <c>Bearer &lt;secret&gt;</c> with the configured secret. Both
    /// sides are hashed first, so the comparison takes the same time whatever the secret's length or content.
    /// </summary>
    public static bool Matches(string? configured, string? authorization)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(configured) || authorization is null || !authorization.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..]));
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
