using System.Globalization;
using AspireKv.Testing;

namespace AspireKv.Cli.Tests;

/// <summary>
/// The console client against a whole in-process backend: the interactive dialogue of the original exercise
/// driven through standard input, and the one-shot commands with their exit codes.
/// </summary>
public sealed class CliTests : IAsyncLifetime
{
    private InProcessBackend? _backend;

    public async ValueTask InitializeAsync() => _backend = await InProcessBackend.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    private static string NewKey() => $"cli-{Guid.NewGuid():N}";

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string input, CultureInfo culture, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var application = new CliApplication(new StringReader(input), output, error, _ => _backend!.Client, culture);
        var exitCode = await application.RunAsync(args, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Dialogue_SetThenGet_IsTheOriginalExercise()
    {
        var key = NewKey();

        var (exitCode, output, _) = await RunAsync($"set\n{key}\nGustavo\nget\n{key}\nexit\n", CultureInfo.InvariantCulture);

        Assert.Equal(0, exitCode);
        Assert.Contains("> Key: Value: OK", output, StringComparison.Ordinal);
        Assert.Contains("> Key: Gustavo", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dialogue_InSpanish_AsksForClaveAndValor()
    {
        var key = NewKey();

        var (_, output, _) = await RunAsync($"set\n{key}\nGustavo\nget\nno-existe-{key}\nexit\n", new CultureInfo("es-AR"));

        Assert.Contains("Clave: Valor: OK", output, StringComparison.Ordinal);
        Assert.Contains($"No hay ningún valor guardado en 'no-existe-{key}'.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dialogue_DeleteListHelpAndUnknownCommands()
    {
        var key = NewKey();

        var (exitCode, output, _) = await RunAsync($"set\n{key}\nx\nlist\n{key}\ndelete\n{key}\nget\n{key}\nhelp\nfly\n", CultureInfo.InvariantCulture);

        Assert.Equal(0, exitCode); // the end of the input ends the dialogue like exit
        Assert.Contains($"Prefix (empty for all): {key}\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"No value is stored under '{key}'.", output, StringComparison.Ordinal);
        Assert.Contains("Commands: set, get, delete, list, help, exit", output, StringComparison.Ordinal);
        Assert.Contains("Unknown command 'fly'. Type help.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneShot_SetAndGet_PrintOkAndTheValueWithExitCode0()
    {
        var key = NewKey();

        var set = await RunAsync(string.Empty, CultureInfo.InvariantCulture, "set", key, "Gustavo");
        var get = await RunAsync(string.Empty, CultureInfo.InvariantCulture, "get", key);

        Assert.Equal((0, "OK"), (set.ExitCode, set.Output.Trim()));
        Assert.Equal((0, "Gustavo"), (get.ExitCode, get.Output.Trim()));
    }

    [Fact]
    public async Task OneShot_GetOrDeleteOfMissingKey_ExitCode1WithAMessageOnStandardError()
    {
        var key = NewKey();

        var get = await RunAsync(string.Empty, CultureInfo.InvariantCulture, "get", key);
        var delete = await RunAsync(string.Empty, CultureInfo.InvariantCulture, "delete", key);

        Assert.Equal(1, get.ExitCode);
        Assert.Equal(string.Empty, get.Output);
        Assert.Contains(key, get.Error, StringComparison.Ordinal);
        Assert.Equal(1, delete.ExitCode);
    }

    [Fact]
    public async Task OneShot_List_PrintsTheKeysWithThePrefix()
    {
        var prefix = NewKey();
        await RunAsync(string.Empty, CultureInfo.InvariantCulture, "set", $"{prefix}-b", "2");
        await RunAsync(string.Empty, CultureInfo.InvariantCulture, "set", $"{prefix}-a", "1");

        var list = await RunAsync(string.Empty, CultureInfo.InvariantCulture, "list", "--prefix", prefix);

        Assert.Equal(0, list.ExitCode);
        Assert.Equal([$"{prefix}-a", $"{prefix}-b"], list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("set", "only-a-key")]
    [InlineData("frobnicate")]
    [InlineData("get", "a", "b")]
    public async Task OneShot_WrongCommandLine_ExitCode2(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync(string.Empty, CultureInfo.InvariantCulture, args);

        Assert.Equal(2, exitCode);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task OneShot_InvalidKey_ExitCode3WithTheReason()
    {
        var (exitCode, _, error) = await RunAsync(string.Empty, CultureInfo.InvariantCulture, "set", "has space", "x");

        Assert.Equal(3, exitCode);
        Assert.Contains("Invalid key", error, StringComparison.Ordinal);
    }
}
