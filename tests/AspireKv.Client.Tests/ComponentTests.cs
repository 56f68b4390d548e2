using System.Net;
using AspireKv.ApiClient;
using AspireKv.Client.Components;
using AspireKv.Client.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AspireKv.Client.Tests;

/// <summary>The page's components rendered with bUnit against a fake balancer.</summary>
public sealed class ComponentTests : BunitContext
{
    private const string Registry = """
        [
          {"id":"http://localhost:5001/","name":"backend-1","address":"http://localhost:5001/","discovered":true,"registered":true,"activeHealth":"Healthy","passiveHealth":"Unknown","inFlightRequests":0,"requestsServed":30,"lastProbeSecondsAgo":0.4,"lastProbeSucceeded":true,"appliedVersion":12,"replicationLag":0,"keys":5},
          {"id":"http://localhost:5002/","name":"backend-2","address":"http://localhost:5002/","discovered":true,"registered":false,"activeHealth":"Unhealthy","passiveHealth":"Unhealthy","inFlightRequests":0,"requestsServed":10,"lastProbeSecondsAgo":0.2,"lastProbeSucceeded":false,"appliedVersion":null,"replicationLag":null,"keys":null}
        ]
        """;

    [Fact]
    public void ClusterPanel_ShowsEveryBackendWithItsStateAndTraffic()
    {
        Services.AddSingleton(new ClusterStatusClient(new FakeHttp(_ => FakeHttp.Json(Registry)).Client()));

        var panel = Render<ClusterPanel>();

        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("tr.backend").Count));
        Assert.Equal("Up", panel.Find("tr[data-backend='backend-1'] .state").TextContent);
        Assert.Equal("Down", panel.Find("tr[data-backend='backend-2'] .state").TextContent);
        Assert.Contains("75%", panel.Find(".spread").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterPanel_ShowsTheRedisPrimaryItsReplicasAndTheFailoversSeen()
    {
        const string registry = """
            [
              {"id":"http://localhost:5001/","name":"backend-1","address":"http://localhost:5001/","discovered":true,"registered":true,"activeHealth":"Healthy","passiveHealth":"Unknown","inFlightRequests":0,"requestsServed":1,"lastProbeSecondsAgo":0.4,"lastProbeSucceeded":true,"appliedVersion":12,"replicationLag":0,"keys":5,
               "redis":{"primary":"127.0.0.1:6380","followsFailovers":true,"primaryOffset":900,"replicas":[],"failoversSeen":1,"lastFailoverAt":null,"readAt":"2026-12-02T08:00:00+00:00"}},
              {"id":"http://localhost:5002/","name":"backend-2","address":"http://localhost:5002/","discovered":true,"registered":true,"activeHealth":"Healthy","passiveHealth":"Unknown","inFlightRequests":0,"requestsServed":1,"lastProbeSecondsAgo":0.4,"lastProbeSucceeded":true,"appliedVersion":12,"replicationLag":0,"keys":5,
               "redis":{"primary":"127.0.0.1:6381","followsFailovers":true,"primaryOffset":1200,"replicas":[{"address":"127.0.0.1:6380","state":"online","offset":1000,"lagBytes":200,"secondsSinceAck":1}],"failoversSeen":0,"lastFailoverAt":null,"readAt":"2026-12-02T08:00:01+00:00"}}
            ]
            """;
        Services.AddSingleton(new ClusterStatusClient(new FakeHttp(_ => FakeHttp.Json(registry)).Client()));

        var panel = Render<ClusterPanel>();

        // The newest report says who is primary; a backend that saw a failover the other did not still counts it.
        panel.WaitForAssertion(() => Assert.Equal("127.0.0.1:6381", panel.Find("#redis-primary").GetAttribute("data-primary")));
        Assert.Equal("1", panel.Find("#redis-failovers").TextContent);
        Assert.Contains("200", panel.Find("tr[data-replica='127.0.0.1:6380']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterPanel_BalancerUnreachable_SaysSoInsteadOfABlankPage()
    {
        Services.AddSingleton(new ClusterStatusClient(new FakeHttp(_ => throw new HttpRequestException("Connection refused")).Client()));

        var panel = Render<ClusterPanel>();

        panel.WaitForAssertion(() => Assert.Contains("could not be reached", panel.Find("#cluster-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Home_Set_ShowsOkWithTheBackendAndVersion()
    {
        var http = new FakeHttp(request =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.NoContent);
            response.Headers.Add("X-Served-By", "backend-3");
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"7\"");
            return response;
        });
        Services.AddSingleton(new KeyValueApiClient(http.Client()));
        Services.AddSingleton(new ClusterStatusClient(new FakeHttp(_ => FakeHttp.Json("[]")).Client()));

        var page = Render<Home>();
        page.Find("#kv-key").Input("nombre");
        page.Find("#kv-value").Input("Gustavo");
        page.Find("#kv-set").Click();

        page.WaitForAssertion(() => Assert.Equal("backend-3", page.Find("#kv-served-by").TextContent));
        Assert.Equal("7", page.Find("#kv-version").TextContent);
        Assert.Contains("OK", page.Find("#kv-result .headline").TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpMethod.Put, http.Requests.Single(r => r.RequestUri!.AbsolutePath == "/kv/nombre").Method);
    }

    [Fact]
    public void Home_Get_OfAMissingKey_ShowsTheProblemNotAStackTrace()
    {
        var http = new FakeHttp(_ => FakeHttp.Json(
            """{"title":"Key not found","status":404,"detail":"No value is stored under 'nadie'."}""", HttpStatusCode.NotFound, "backend-1"));
        Services.AddSingleton(new KeyValueApiClient(http.Client()));
        Services.AddSingleton(new ClusterStatusClient(new FakeHttp(_ => FakeHttp.Json("[]")).Client()));

        var page = Render<Home>();
        page.Find("#kv-key").Input("nadie");
        page.Find("#kv-get").Click();

        page.WaitForAssertion(() => Assert.Equal("Key not found: No value is stored under 'nadie'.", page.Find("#kv-result-error").TextContent));
    }

    [Fact]
    public void KeyBrowser_ListsKeysWithTheBackendThatServed()
    {
        var http = new FakeHttp(_ => FakeHttp.Json(
            """{"items":[{"key":"ciudad1","version":4,"size":10},{"key":"ciudad2","version":5,"size":7}],"next":null}""", servedBy: "backend-2"));
        Services.AddSingleton(new KeyValueApiClient(http.Client()));

        var browser = Render<KeyBrowser>();
        browser.Find("#list-prefix").Input("ciudad");
        browser.Find("#list-keys").Click();

        browser.WaitForAssertion(() => Assert.Equal(2, browser.FindAll("table.keys tbody tr").Count));
        Assert.Contains("backend-2", browser.Markup, StringComparison.Ordinal);
        Assert.Contains("prefix=ciudad", http.Requests.Single().RequestUri!.Query, StringComparison.Ordinal);
    }
}
