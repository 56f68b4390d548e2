using System.Net;
using AspireKv.Balancer.Proxy;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace AspireKv.Balancer.Tests.Proxy;

/// <summary>A backend's "try another backend" 503 is held back only when the middleware can send the request elsewhere.</summary>
public sealed class AnotherBackendAnswerTests
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true, true, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true, false, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false, true, false)]
    [InlineData(HttpStatusCode.NotFound, true, true, false)]
    [InlineData(HttpStatusCode.OK, true, true, false)]
    public async Task HoldBack_OnlyATryAnotherBackend503WhenARetryIsPossible(HttpStatusCode status, bool marked, bool mayRetry, bool heldBack)
    {
        var context = new DefaultHttpContext();
        AnotherBackendAnswer.SetMayRetry(context, mayRetry);
        using var response = new HttpResponseMessage(status);
        if (marked)
        {
            response.Headers.Add(KvHeaders.TryAnotherBackend, "true");
        }

        var transform = new ResponseTransformContext { HttpContext = context, ProxyResponse = response };
        await AnotherBackendAnswer.HoldBackAsync(transform);

        Assert.Equal(heldBack, transform.SuppressResponseBody);
        Assert.Equal(heldBack, AnotherBackendAnswer.TakeHeldBack(context));
        Assert.False(AnotherBackendAnswer.TakeHeldBack(context));
    }

    [Fact]
    public async Task HoldBack_WithoutTheMiddlewaresPermission_PassesTheAnswerOn()
    {
        var context = new DefaultHttpContext();
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.Add(KvHeaders.TryAnotherBackend, "true");
        var transform = new ResponseTransformContext { HttpContext = context, ProxyResponse = response };

        await AnotherBackendAnswer.HoldBackAsync(transform);

        Assert.False(transform.SuppressResponseBody);
    }
}
