using System.Globalization;

namespace AspireKv.Cli;

/// <summary>What the console client says, in English or, when the culture is Spanish, in Spanish.</summary>
internal sealed record Prompts(
    string Key,
    string Value,
    string Prefix,
    string Ok,
    string NotFoundFormat,
    string UnknownCommandFormat,
    string Help,
    string Welcome,
    string NoKeys)
{
    public static readonly Prompts English = new(
        "Key: ",
        "Value: ",
        "Prefix (empty for all): ",
        "OK",
        "No value is stored under '{0}'.",
        "Unknown command '{0}'. Type help.",
        "Commands: set, get, delete, list, help, exit",
        "AspireKv at {0}. Type help for the commands.",
        "(no keys)");

    public static readonly Prompts Spanish = new(
        "Clave: ",
        "Valor: ",
        "Prefijo (vacío para todas): ",
        "OK",
        "No hay ningún valor guardado en '{0}'.",
        "Comando desconocido '{0}'. Escribe help.",
        "Comandos: set, get, delete, list, help, exit",
        "AspireKv en {0}. Escribe help para ver los comandos.",
        "(ninguna clave)");

    public static Prompts For(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.TwoLetterISOLanguageName == "es" ? Spanish : English;
    }

    public string NotFound(string key) => string.Format(CultureInfo.InvariantCulture, NotFoundFormat, key);

    public string UnknownCommand(string command) => string.Format(CultureInfo.InvariantCulture, UnknownCommandFormat, command);

    public string WelcomeTo(Uri balancer) => string.Format(CultureInfo.InvariantCulture, Welcome, balancer);
}
