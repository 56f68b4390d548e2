using System.Net;
using AspireKv.Balancer.Proxy;
using AspireKv.Contracts;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace AspireKv.Balancer.Tests.Proxy;

/// <summary>
/// A backend's "try another backend" 503 is held back when the middleware can send the request elsewhere, and any 503
/// after an earlier attempt of the write that may have been committed; nothing else is.
/// </summary>
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
        AnotherBackendAnswer.SetAttempt(context, mayRetry);
        using var response = new HttpResponseMessage(status);
        if (marked)
        {
            response.Headers.Add(KvHeaders.TryAnotherBackend, "true");
        }

        var transform = new ResponseTransformContext { HttpContext = context, ProxyResponse = response };
        await AnotherBackendAnswer.HoldBackAsync(transform);

        Assert.Equal(heldBack, transform.SuppressResponseBody);
        Assert.Equal(heldBack, AnotherBackendAnswer.TakeHeldBack(context, out var invitesRetry));
        Assert.Equal(heldBack, invitesRetry);
        Assert.False(AnotherBackendAnswer.TakeHeldBack(context, out _));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true, true, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false, true, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false, false, false)]
    [InlineData(HttpStatusCode.NoContent, true, false, false)]
    [InlineData(HttpStatusCode.PreconditionFailed, false, false, false)]
    public async Task HoldBack_AfterAnAttemptThatMayHaveWritten_Any503ButNotASettlingAnswer(HttpStatusCode status, bool marked, bool mayRetry, bool invitesRetry)
    {
        var context = new DefaultHttpContext();
        AnotherBackendAnswer.SetAttempt(context, mayRetry, earlierAttemptMayHaveWritten: true);
        using var response = new HttpResponseMessage(status);
        if (marked)
        {
            response.Headers.Add(KvHeaders.TryAnotherBackend, "true");
        }

        var transform = new ResponseTransformContext { HttpContext = context, ProxyResponse = response };
        await AnotherBackendAnswer.HoldBackAsync(transform);

        var heldBack = status == HttpStatusCode.ServiceUnavailable;
        Assert.Equal(heldBack, transform.SuppressResponseBody);
        Assert.Equal(heldBack, AnotherBackendAnswer.TakeHeldBack(context, out var invites));
        Assert.Equal(invitesRetry, invites);
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
