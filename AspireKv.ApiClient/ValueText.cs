using System.Text;

namespace AspireKv.ApiClient;

/// <summary>
/// How a client shows a value, which is bytes: as text when it is valid UTF-8, else as <c>base64:</c> and its
/// base64, so that nothing is lost and a binary value never passes for text.
/// </summary>
public static class ValueText
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
