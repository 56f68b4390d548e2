using System.Net.Sockets;
using AspireKv.Balancer.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace AspireKv.Balancer.Tests.Proxy;

public sealed class RetryDecisionTests
{
    private static readonly HttpRequestException Refused =
        new(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    private static readonly HttpRequestException ResetAfterSending =
        new(HttpRequestError.ResponseEnded, "The response ended prematurely.");

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public void CanRetry_ConnectionRefusedBeforeBody_IsSafeForEveryMethod(string method) =>
        Assert.True(RetryDecision.CanRetry(method, ForwarderError.Request, Refused, requestBodyStarted: false));

    [Fact]
    public void CanRetry_WriteWhoseBodyWasAlreadyRead_IsNotRetried() =>
        Assert.False(RetryDecision.CanRetry("PUT", ForwarderError.Request, Refused, requestBodyStarted: true));

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public void CanRetry_WriteThatReachedTheBackend_IsNotRetried(string method)
    {
        Assert.False(RetryDecision.CanRetry(method, ForwarderError.Request, ResetAfterSending, requestBodyStarted: false));
        Assert.False(RetryDecision.CanRetry(method, ForwarderError.RequestTimedOut, null, requestBodyStarted: false));
        Assert.False(RetryDecision.CanRetry(method, ForwarderError.ResponseHeaders, ResetAfterSending, requestBodyStarted: false));
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.ResponseHeaders)]
    public void CanRetry_ReadThatFailedAtTheBackend_IsRetried(ForwarderError error) =>
        Assert.True(RetryDecision.CanRetry("GET", error, ResetAfterSending, requestBodyStarted: false));

    [Theory]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    [InlineData(ForwarderError.NoAvailableDestinations)]
    public void CanRetry_ClientSideOrLateFailures_AreNotRetried(ForwarderError error) =>
        Assert.False(RetryDecision.CanRetry("GET", error, Refused, requestBodyStarted: false));

    [Fact]
    public void MayHaveReachedBackend_OnlyARefusedConnectionRulesItOut()
    {
        Assert.False(RetryDecision.MayHaveReachedBackend(ForwarderError.Request, Refused));
        Assert.True(RetryDecision.MayHaveReachedBackend(ForwarderError.Request, ResetAfterSending));
        Assert.True(RetryDecision.MayHaveReachedBackend(ForwarderError.RequestTimedOut, null));
        Assert.True(RetryDecision.MayHaveReachedBackend(ForwarderError.ResponseHeaders, ResetAfterSending));
    }
}
