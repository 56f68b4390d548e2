using System.Net.Http.Headers;
using System.Text.Json;
using AspireKv.Contracts;

namespace AspireKv.Backend.Tests.Api;

/// <summary>The watch stream of a whole in-process backend: order, prefix filter, resumption.</summary>
public sealed class WatchTests : InProcessBackendTests
{
    private async Task<long> PutAsync(string key, string value)
    {
        using var response = await Backend.Client.PutAsync($"/kv/{key}", new StringContent(value), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return long.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Watch_FromAVersion_ReceivesEveryLaterMatchingChangeInOrder()
    {
        var prefix = $"watch-{Guid.NewGuid():N}-";
        var before = await PutAsync($"{prefix}a", "1");
        await PutAsync("unrelated", "x");
        await PutAsync($"{prefix}b", "2");
        await Backend.Client.DeleteAsync($"/kv/{prefix}a", TestContext.Current.CancellationToken);

        var events = await ReadEventsAsync($"/watch?prefix={prefix}", lastEventId: before, count: 2);

        Assert.Equal([($"{prefix}b", "set", "2"), ($"{prefix}a", "delete", (string?)null)], events.Select(e => (e.Key, e.Kind, Decode(e.Value))));
        Assert.True(events[0].Version > before && events[1].Version > events[0].Version);
    }

    [Fact]
    public async Task Watch_HeldOpen_ReceivesChangesMadeAfterIt()
    {
        var prefix = $"live-{Guid.NewGuid():N}-";
        var watching = ReadEventsAsync($"/watch?prefix={prefix}", lastEventId: null, count: 2);
        await Task.Yield();

        // Resumed from version 0, the watch gets these whether they are written before or after it connects.
        await PutAsync($"{prefix}1", "one");
        await PutAsync($"{prefix}2", "two");

        var events = await watching;
        Assert.Equal([$"{prefix}1", $"{prefix}2"], events.Select(e => e.Key));
    }

    [Fact]
    public async Task Watch_WhenTheBackendStops_EndsWithARetryHintInsteadOfHoldingUpTheShutdown()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/watch?prefix=stop-{Guid.NewGuid():N}-");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await Backend.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        var stopping = Backend.StopAsync(deadline.Token);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            lines.Add(line);
        }

        Assert.Contains("retry: 1000", lines);
        await stopping.WaitAsync(deadline.Token);
    }

    [Fact]
    public async Task Watch_ArrivingAfterTheStopSignal_StillEndsWithARetryHint()
    {
        // The stop has begun but the server still serves: the watch never waits for a change, and must still tell
        // the client to reconnect elsewhere instead of ending silently.
        Backend.SignalStopping();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await Backend.Client.GetAsync($"/watch?prefix=late-{Guid.NewGuid():N}-", deadline.Token);

        var body = await response.Content.ReadAsStringAsync(deadline.Token);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("retry: 1000", body.Split('\n'));
    }

    private static string? Decode(string? base64) => base64 is null ? null : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    private async Task<List<ChangeEvent>> ReadEventsAsync(string path, long? lastEventId, int count)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, lastEventId is null ? $"{path}&from=0" : path);
        if (lastEventId is { } id)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await Backend.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var events = new List<ChangeEvent>();
        string? type = null;
        while (events.Count < count && await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "change")
            {
                events.Add(JsonSerializer.Deserialize(line[6..], ContractsJsonContext.Default.ChangeEvent)!);
            }
        }

        return events;
    }
}
