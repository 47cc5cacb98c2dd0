using System.Net;
using System.Text;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task A_400_carries_every_field_of_Klaviyos_error()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 400,
            KlaviyoStub.ErrorBody(400, "invalid", "'bob@' is not a valid email address.", pointer: "/data/attributes/profile/data/attributes/email", meta: """{"hint":"x"}"""));
        using var harness = new ClientHarness(stub);

        var failure = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
        var error = Assert.Single(failure.Errors);
        Assert.Equal(400, error.Status);
        Assert.Equal("invalid", error.Code);
        Assert.Equal("Error.", error.Title);
        Assert.Equal("'bob@' is not a valid email address.", error.Detail);
        Assert.Equal("/data/attributes/profile/data/attributes/email", error.Source?.Pointer);
        Assert.Equal("x", error.Meta?.GetProperty("hint").GetString());
        Assert.Contains("400 invalid: 'bob@' is not a valid email address.", failure.Message);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(401, "not_authenticated")]
    [InlineData(403, "permission_denied")]
    [InlineData(404, "not_found")]
    [InlineData(409, "duplicate_profile")]
    public async Task Other_4xx_are_reported_and_never_retried(int status, string code)
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", status, KlaviyoStub.ErrorBody(status, code, "nope", parameter: "filter", meta: """{"duplicate_profile_id":"01ABC"}"""));
        using var harness = new ClientHarness(stub);

        var failure = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Equal(status, (int)failure.StatusCode);
        Assert.Equal(code, failure.Errors[0].Code);
        Assert.Equal("filter", failure.Errors[0].Source?.Parameter);
        Assert.Equal("01ABC", failure.Errors[0].Meta?.GetProperty("duplicate_profile_id").GetString());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task An_html_error_page_from_a_proxy_still_reads_well()
    {
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/events").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html")
                .WithBody("<html><head><style>body{color:red}</style><title>502</title></head><body><h1>502 Bad Gateway</h1><p>cloudflare &amp; friends</p></body></html>"));
        using var harness = new ClientHarness(stub);

        // No unique_id: a 5xx on this write is not retried, so the page is what the caller sees.
        var failure = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: null), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadGateway, failure.StatusCode);
        var detail = Assert.Single(failure.Errors).Detail!;
        Assert.Contains("502 Bad Gateway cloudflare & friends", detail);
        Assert.DoesNotContain("<", detail);
        Assert.DoesNotContain("color:red", detail);
    }

    [Fact]
    public void Error_bodies_of_every_kind_yield_at_least_one_error()
    {
        var empty = KlaviyoClient.ParseErrors(HttpStatusCode.ServiceUnavailable, "Service Unavailable", []);
        Assert.Contains("Service Unavailable (empty response body)", Assert.Single(empty).Detail);

        var malformed = KlaviyoClient.ParseErrors(HttpStatusCode.InternalServerError, null, Encoding.UTF8.GetBytes("{\"errors\":[{\"detail\":"));
        Assert.Equal("http_500", Assert.Single(malformed).Code);

        var noErrors = KlaviyoClient.ParseErrors(HttpStatusCode.BadRequest, "Bad Request", Encoding.UTF8.GetBytes("{\"errors\":[]}"));
        Assert.Contains("Bad Request", Assert.Single(noErrors).Detail);

        var long_ = KlaviyoClient.ParseErrors(HttpStatusCode.BadGateway, "Bad Gateway", Encoding.UTF8.GetBytes(new string('x', 10_000)));
        Assert.True(Assert.Single(long_).Detail!.Length < 400);
    }

    [Fact]
    public async Task A_body_over_5_MB_is_refused_before_sending_and_exactly_5_MB_is_sent()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub);

        var exactly = EventOfSize(KlaviyoClient.MaxEventPayloadBytes);
        await harness.Client.CreateEventAsync(exactly, TestContext.Current.CancellationToken);
        Assert.Equal(KlaviyoClient.MaxEventPayloadBytes, Encoding.UTF8.GetByteCount(Assert.Single(stub.Requests).Body!));

        var failure = await Assert.ThrowsAsync<KlaviyoPayloadTooLargeException>(
            () => harness.Client.CreateEventAsync(EventOfSize(KlaviyoClient.MaxEventPayloadBytes + 1), TestContext.Current.CancellationToken));
        Assert.Equal(KlaviyoClient.MaxEventPayloadBytes + 1, failure.BodyBytes);
        Assert.Contains("5,242,881 bytes", failure.Message);
        Assert.Single(stub.Requests);
    }

    /// <summary>An event whose serialized body is exactly <paramref name="bytes"/> long: 60 strings of 80,000 characters plus one padding string.</summary>
    internal static Events.EventResource EventOfSize(int bytes)
    {
        static Events.EventResource Build(int padding)
        {
            var properties = Enumerable.Range(0, 60).ToDictionary(i => $"p{i}", _ => System.Text.Json.JsonSerializer.SerializeToElement(new string('a', 80_000)));
            properties["pad"] = System.Text.Json.JsonSerializer.SerializeToElement(new string('b', padding));
            return SampleEvents.ViewedProduct(properties: properties);
        }

        var baseline = KlaviyoClient.Serialize(new JsonApi.JsonApiData<Events.EventResource>(Build(0)), KlaviyoDocumentJsonContext.Wire.JsonApiDataEventResource, "test", int.MaxValue).Length;
        return Build(bytes - baseline);
    }
}
