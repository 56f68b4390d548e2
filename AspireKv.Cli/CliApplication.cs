using System.CommandLine;
using System.Globalization;
using System.Text;
using AspireKv.ApiClient;

namespace AspireKv.Cli;

/// <summary>
/// The command line (System.CommandLine): <c>set KEY VALUE</c>, <c>get KEY</c>, <c>delete KEY</c>, <c>list</c>,
/// <c>watch</c> for scripts, with exit codes (<see cref="ExitCodes"/>); no command starts the interactive dialogue.
/// Everything it reads and writes goes through the given readers and writers, so tests drive it directly.
/// </summary>
internal sealed class CliApplication(TextReader input, TextWriter output, TextWriter error, Func<Uri, HttpClient> httpClients, CultureInfo culture)
{
    /// <summary>The balancer when neither <c>--balancer</c> nor <c>ASPIREKV_BALANCER</c> says otherwise.</summary>
    public static readonly Uri DefaultBalancer = new("http://localhost:4000");

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var prompts = Prompts.For(culture);
        var balancer = new Option<Uri>("--balancer", "-b")
        {
            Description = "The balancer's address (default: $ASPIREKV_BALANCER, else http://localhost:4000).",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ASPIREKV_BALANCER") is { Length: > 0 } configured
                ? new Uri(configured)
                : DefaultBalancer,
        };
        var key = new Argument<string>("key") { Description = "The key." };
        var value = new Argument<string>("value") { Description = "The value (stored as UTF-8)." };
        var prefix = new Option<string?>("--prefix", "-p") { Description = "Only keys that start with this." };
        var from = new Option<long?>("--from") { Description = "Resume after this version (default: from now on)." };

        var root = new RootCommand("AspireKv's console client. Without a command it asks for one, as in the original exercise.") { balancer };
        root.SetAction((parse, token) => new KvShell(Client(parse), input, output, prompts).RunAsync(parse.GetValue(balancer)!, token));

        var set = new Command("set", "Stores VALUE under KEY.") { key, value };
        set.SetAction(async (parse, token) => Report(
            await Client(parse).SetAsync(parse.GetValue(key)!, Encoding.UTF8.GetBytes(parse.GetValue(value)!), token).ConfigureAwait(false), prompts.Ok));

        var get = new Command("get", "Prints the value stored under KEY.") { key };
        get.SetAction(async (parse, token) =>
        {
            var result = await Client(parse).GetAsync(parse.GetValue(key)!, token).ConfigureAwait(false);
            return Report(result, result.Value is null ? null : ValueText.Show(result.Value), prompts.NotFound(parse.GetValue(key)!));
        });

        var delete = new Command("delete", "Deletes KEY.") { key };
        delete.SetAction(async (parse, token) =>
            Report(await Client(parse).DeleteAsync(parse.GetValue(key)!, token).ConfigureAwait(false), prompts.Ok, prompts.NotFound(parse.GetValue(key)!)));

        var list = new Command("list", "Prints every key (or those with --prefix), one per line.") { prefix };
        list.SetAction(async (parse, token) => await ListAsync(Client(parse), parse.GetValue(prefix), token).ConfigureAwait(false));

        var watch = new Command("watch", "Prints every change as it happens, until interrupted.") { prefix, from };
        watch.SetAction(async (parse, token) => await WatchAsync(Client(parse), parse.GetValue(prefix), parse.GetValue(from), token).ConfigureAwait(false));

        root.Subcommands.Add(set);
        root.Subcommands.Add(get);
        root.Subcommands.Add(delete);
        root.Subcommands.Add(list);
        root.Subcommands.Add(watch);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);

        KeyValueApiClient Client(ParseResult parse) => new(httpClients(parse.GetValue(balancer)!));
    }

    private int Report(KvResult result, string? success, string? notFound = null)
    {
        if (result.Succeeded)
        {
            output.WriteLine(success);
            return ExitCodes.Success;
        }

        if (result.StatusCode == 404 && notFound is not null)
        {
            error.WriteLine(notFound);
            return ExitCodes.NotFound;
        }

        error.WriteLine(result.Error);
        return ExitCodes.Failure;
    }

    private async Task<int> ListAsync(KeyValueApiClient client, string? prefix, CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            var listed = await client.ListAsync(prefix, after, 1_000, cancellationToken).ConfigureAwait(false);
            if (listed.Page is not { } page)
            {
                await error.WriteLineAsync(listed.Error).ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            foreach (var item in page.Items)
            {
                await output.WriteLineAsync(item.Key).ConfigureAwait(false);
            }

            after = page.Next;
        }
        while (after is not null);

        return ExitCodes.Success;
    }

    private async Task<int> WatchAsync(KeyValueApiClient client, string? prefix, long? from, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in client.WatchAsync(prefix, from, cancellationToken).ConfigureAwait(false))
            {
                var shown = change.Value is null ? string.Empty : " " + ValueText.Show(Convert.FromBase64String(change.Value));
                await output.WriteLineAsync($"{change.Version.ToString(CultureInfo.InvariantCulture)} {change.Kind} {change.Key}{shown}").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return ExitCodes.Success;
    }
}
