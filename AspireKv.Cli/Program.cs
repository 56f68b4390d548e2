using System.Globalization;
using AspireKv.Cli;

// `dotnet run --project AspireKv.Cli` for the dialogue, `-- set nombre Gustavo` for one command.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var application = new CliApplication(Console.In, Console.Out, Console.Error, balancer => new HttpClient { BaseAddress = balancer }, CultureInfo.CurrentUICulture);
return await application.RunAsync(args, cancellation.Token);
