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
            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || rune == Rune.ReplacementChar)
            {
                return "The key contains a control character, white space or an invalid character.";
            }
        }

        return null;
    }
}
