using System.Text;

namespace AspireKv.Cli;

/// <summary>Values are bytes: shown as text when they are valid UTF-8, else as base64 with a marker.</summary>
internal static class ValueText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Show(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return "base64:" + Convert.ToBase64String(value);
        }
    }
}
