using System.Text;

namespace AspireKv.Client;

/// <summary>Values are bytes: shown as text when they are valid UTF-8, else as their length.</summary>
public static class ValueDisplay
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Show(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return $"({bytes.Length} bytes of binary data)";
        }
    }
}
