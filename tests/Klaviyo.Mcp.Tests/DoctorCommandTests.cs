using Klaviyo.Testing;
using Microsoft.Extensions.Configuration;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class DoctorCommandTests
{
    private const string Empty = """{"data":[],"links":{"self":"x"}}""";

    [Fact]
    public async Task Doctor_names_the_account_and_the_toolsets_whose_scope_is_missing_and_never_prints_the_key()
    {
        using var stub = Stub(listsStatus: 403);
        var output = new StringWriter();

        var exit = await DoctorCommand.RunAsync(Settings(stub), output, TestContext.Current.CancellationToken);

        var text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("✓ account Example Corp (id A1)", text);
        Assert.Contains("✓ events (events:read; writes: events:write", text);
        Assert.Contains("✗ lists: the key lacks a scope it needs (lists:read; writes: lists:write", text);
        Assert.Contains("✓ coupons (coupons:read; writes: coupon-codes:write, coupons:write)", text);
        Assert.Contains("✓ reporting", text);
        Assert.DoesNotContain(ApiKey, text);
        Assert.Equal("equals(messages.channel,\"email\")", stub.Requests.Single(r => r.Path == "/api/campaigns").Parameter("filter"));
        Assert.DoesNotContain(stub.Requests, r => r.Path.Contains("reports", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_API_area_but_reporting_is_probed_with_a_read_that_needs_no_id()
    {
        var probes = DoctorCommand.Probes().ToList();

        Assert.Equal(Toolsets.Areas.Values.Except(["reporting", "accounts", "conversations", "data_privacy"]).Order(StringComparer.Ordinal), probes.Select(p => p.Toolset).Order(StringComparer.Ordinal));
        Assert.All(probes, p => Assert.Equal(("GET", 0), (p.Probe.Method, p.Probe.PathParameters.Count)));
        Assert.Equal("get_campaigns", probes.Single(p => p.Toolset == "campaigns").Probe.Id);
    }

    [Fact]
    public async Task Doctor_passes_when_everything_works_and_fails_on_a_rejected_key()
    {
        using var good = Stub(listsStatus: 200);
        Assert.Equal(0, await DoctorCommand.RunAsync(Settings(good), new StringWriter(), TestContext.Current.CancellationToken));

        using var rejected = new KlaviyoStub().Answer("GET", "/api/accounts", 401, ErrorBody(401, "not_authenticated", "Invalid key."));
        var output = new StringWriter();
        Assert.Equal(1, await DoctorCommand.RunAsync(Settings(rejected), output, TestContext.Current.CancellationToken));
        Assert.Contains("Klaviyo did not accept the key (401)", output.ToString());
    }

    private static KlaviyoStub Stub(int listsStatus)
    {
        var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/api/*")).UsingGet()).AtPriority(10).RespondWith(Response(200, Empty));
        return stub
            .Answer("GET", "/api/accounts", 200, """{"data":[{"type":"account","id":"A1","attributes":{"contact_information":{"organization_name":"Example Corp"}}}]}""")
            .Answer("GET", "/api/lists", listsStatus, listsStatus == 200 ? Empty : ErrorBody(403, "permission_denied", "Missing scope."));
    }

    private static ServerSettings Settings(KlaviyoStub stub) => ServerSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        [ServerSettings.ApiKeyVariable] = ApiKey,
        [ServerSettings.BaseUrlVariable] = stub.Url.AbsoluteUri,
    }).Build());
}
