using System.Text;
using AspireKv.ApiClient;

namespace AspireKv.Cli;

/// <summary>
/// The interactive dialogue of the original exercise: a command per line; <c>set</c> asks <c>Key:</c> then
/// <c>Value:</c> and answers <c>OK</c>; <c>get</c> asks <c>Key:</c> and answers the value. Reads and writes plain
/// text, so that it works in any terminal, in a pipe and in tests.
/// </summary>
internal sealed class KvShell(KeyValueApiClient client, TextReader input, TextWriter output, Prompts prompts)
{
    public async Task<int> RunAsync(Uri balancer, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(prompts.WelcomeTo(balancer)).ConfigureAwait(false);
        while (true)
        {
            await output.WriteAsync("> ").ConfigureAwait(false);
            var command = (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
            switch (command?.ToUpperInvariant())
            {
                case null or "EXIT" or "QUIT":
                    return ExitCodes.Success;
                case "":
                    break;
                case "SET":
                    await SetAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case "GET":
                    await GetAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case "DELETE":
                    await DeleteAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case "LIST":
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case "HELP":
                    await output.WriteLineAsync(prompts.Help).ConfigureAwait(false);
                    break;
                default:
                    await output.WriteLineAsync(prompts.UnknownCommand(command)).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task SetAsync(CancellationToken cancellationToken)
    {
        var key = await AskAsync(prompts.Key, cancellationToken).ConfigureAwait(false);
        var value = await AskAsync(prompts.Value, cancellationToken).ConfigureAwait(false);
        var result = await client.SetAsync(key, Encoding.UTF8.GetBytes(value), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(result.Succeeded ? prompts.Ok : result.Error).ConfigureAwait(false);
    }

    private async Task GetAsync(CancellationToken cancellationToken)
    {
        var key = await AskAsync(prompts.Key, cancellationToken).ConfigureAwait(false);
        var result = await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(
            result.Succeeded ? ValueText.Show(result.Value!) : result.StatusCode == 404 ? prompts.NotFound(key) : result.Error).ConfigureAwait(false);
    }

    private async Task DeleteAsync(CancellationToken cancellationToken)
    {
        var key = await AskAsync(prompts.Key, cancellationToken).ConfigureAwait(false);
        var result = await client.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(
            result.Succeeded ? prompts.Ok : result.StatusCode == 404 ? prompts.NotFound(key) : result.Error).ConfigureAwait(false);
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var prefix = await AskAsync(prompts.Prefix, cancellationToken).ConfigureAwait(false);
        var listed = await client.ListAsync(prefix, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (listed.Page is not { } page)
        {
            await output.WriteLineAsync(listed.Error).ConfigureAwait(false);
            return;
        }

        foreach (var item in page.Items)
        {
            await output.WriteLineAsync(item.Key).ConfigureAwait(false);
        }

        if (page.Items.Count == 0)
        {
            await output.WriteLineAsync(prompts.NoKeys).ConfigureAwait(false);
        }
    }

    private async Task<string> AskAsync(string prompt, CancellationToken cancellationToken)
    {
        await output.WriteAsync(prompt).ConfigureAwait(false);
        return (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim() ?? string.Empty;
    }
}
