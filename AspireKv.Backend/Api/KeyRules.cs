using System.Text;

namespace AspireKv.Backend.Api;

/// <summary>What a key may be. Pure, so the rules are tested without HTTP.</summary>
internal static class KeyRules
{
    /// <summary>The longest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 512;

    /// <summary>Returns why <paramref name="key"/> is not a valid key, or null when it is.</summary>
    public static string? Validate(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "The key is empty.";
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            return $"The key is longer than {MaxKeyBytes} bytes in UTF-8.";
        }

        foreach (var rune in key.EnumerateRunes())
        {
            // '%' is refused too: ASP.NET Core leaves a percent sequence that is not valid UTF-8 undecoded, so a
            // key with '%' in it is either such a sequence or ambiguous with one.
            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || rune == Rune.ReplacementChar || rune.Value == '%')
            {
                return "The key contains a control character, white space, '%' or an invalid character.";
            }
        }

        return null;
    }
}
