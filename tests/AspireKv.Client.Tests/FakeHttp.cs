using System.Net;
using System.Text;

namespace AspireKv.Client.Tests;

/// <summary>An HTTP handler that answers from a function, so components can be tested without a cluster.</summary>
internal sealed class FakeHttp(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK, string? servedBy = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (servedBy is not null)
        {
            response.Headers.Add("X-Served-By", servedBy);
        }

        return response;
    }

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://balancer") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(answer(request));
    }
}
