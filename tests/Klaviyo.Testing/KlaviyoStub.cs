using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Klaviyo.Testing;

/// <summary>
/// A fake Klaviyo on 127.0.0.1 (WireMock.Net). Tests script its answers and read what it received. On dispose it
/// checks that every JSON body it received matches its operation's request schema in Klaviyo's OpenAPI spec.
/// </summary>
public sealed class KlaviyoStub : IDisposable
{
    public const string ApiKey = "pk_test_0123456789abcdef0123456789abcdef";

    /// <param name="maxRequestLog">How many requests to keep for inspection (a soak keeps few, so that its memory stays flat).</param>
    public KlaviyoStub(int? maxRequestLog = null)
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false, MaxRequestLogCount = maxRequestLog });
    }

    public WireMockServer Server { get; }

    public Uri Url => new(Server.Urls[0]);

    /// <summary>Every request received, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests =>
        [.. Server.LogEntries.Select(e => e.RequestMessage).OrderBy(r => r.DateTime).Select(ToRecorded)];

    /// <summary>Answers <paramref name="method"/> <paramref name="path"/> with <paramref name="status"/>, optionally a JSON:API body and headers.</summary>
    public KlaviyoStub Answer(string method, string path, int status, string? body = null, IDictionary<string, string>? headers = null)
    {
        Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(Response(status, body, headers));
        return this;
    }

    /// <summary>Answers with each response in turn; the last one repeats.</summary>
    public KlaviyoStub AnswerInSequence(string method, string path, params Func<IResponseBuilder, IResponseBuilder>[] responses)
    {
        var scenario = Guid.NewGuid().ToString();
        for (var i = 0; i < responses.Length; i++)
        {
            var request = Server.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(scenario);
            if (i > 0)
            {
                request = request.WhenStateIs(i.ToString());
            }

            if (i < responses.Length - 1)
            {
                request = request.WillSetStateTo((i + 1).ToString());
            }

            request.RespondWith(responses[i](WireMock.ResponseBuilders.Response.Create()));
        }

        return this;
    }

    public static IResponseBuilder Response(int status, string? body = null, IDictionary<string, string>? headers = null)
    {
        var response = WireMock.ResponseBuilders.Response.Create().WithStatusCode(status);
        if (body is not null)
        {
            response = response.WithHeader("Content-Type", "application/vnd.api+json").WithBody(body);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response = response.WithHeader(name, value);
        }

        return response;
    }

    /// <summary>A Klaviyo error document with one error.</summary>
    public static string ErrorBody(int status, string code, string detail, string? pointer = null, string? parameter = null, string? meta = null)
    {
        var source = pointer is not null ? $"{{\"pointer\":\"{pointer}\"}}" : parameter is not null ? $"{{\"parameter\":\"{parameter}\"}}" : "{}";
        return $$"""{"errors":[{"id":"{{Guid.NewGuid()}}","status":{{status}},"code":"{{code}}","title":"Error.","detail":"{{detail}}","source":{{source}},"links":{},"meta":{{meta ?? "{}"}}}]}""";
    }

    /// <summary>Checks every JSON body received against the spec; throws listing the ones that do not match.</summary>
    public void AssertBodiesMatchSpec()
    {
        foreach (var request in Requests.Where(r => !string.IsNullOrEmpty(r.Body) && OpenApiContract.HasOperation(r.Method, r.Path)))
        {
            OpenApiContract.AssertValid(request.Method, request.Path, request.Body!);
        }
    }

    public void Dispose()
    {
        try
        {
            AssertBodiesMatchSpec();
        }
        finally
        {
            Server.Stop();
            Server.Dispose();
        }
    }

    private static RecordedRequest ToRecorded(IRequestMessage message) => new(
        message.Method,
        message.AbsolutePath,
        message.RawQuery ?? "",
        message.Headers?.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase) ?? [],
        message.Body,
        message.DateTime);
}
