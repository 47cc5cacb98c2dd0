using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Testing;
using ModelContextProtocol.Protocol;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// Every tool against a Klaviyo that misbehaves in one way at a time. Each call must end, within its budget, in a
/// result or a clear tool error (never an unexpected failure); no write that is unsafe to repeat is sent twice; the
/// key appears in no result and no log line (Trace level); and the server still answers afterwards.
/// </summary>
public sealed class FaultInjectionTests
{
    public static readonly TheoryData<string> Faults =
        ["429 storm", "5xx burst", "reset mid-response", "slower than the attempt timeout", "malformed JSON", "HTML error page", "empty 200", "10 MB response"];

    private static readonly string[] s_unrepeatableWrites = ["POST /api/lists", "POST /api/coupons", "POST /api/campaigns", "POST /api/templates", "POST /api/campaign-send-jobs", "POST /api/profile-subscription-bulk-create-jobs"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Every_tool_ends_in_a_result_or_a_clear_error_and_nothing_unsafe_is_repeated(string fault)
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("events.csv", "email,metric\na@klaviyo-demo.com,Placed Order\n");
        File.WriteAllBytes(Path.Combine(folder.Path, "logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]);
        using var stub = new KlaviyoStub();
        using var silent = new SilentServer();
        using var resetting = new MidBodyResetServer(resets: int.MaxValue);
        Arrange(stub, fault);
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?>
        {
            [ServerSettings.BaseUrlVariable] = fault switch
            {
                "slower than the attempt timeout" => silent.Url.AbsoluteUri,
                "reset mid-response" => resetting.Url.AbsoluteUri,
                _ => stub.Url.AbsoluteUri,
            },
            [ServerSettings.MaxRetriesVariable] = "1",
            [ServerSettings.AttemptTimeoutVariable] = "0.5",
            [ServerSettings.TotalTimeoutVariable] = "3",
            [ServerSettings.MaxRetryAfterVariable] = "2",
            [ServerSettings.MaxRateLimitWaitVariable] = "2",
            [ServerSettings.ImportRootsVariable] = folder.Path,
        }, services: s =>
        {
            // Jobs that never finish under a fault are polled briefly, so each call still ends within its budget.
            s.AddSingleton(new Klaviyo.Mcp.Tools.Authoring.EstimatePolling(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2)));
            s.AddSingleton(new Klaviyo.Mcp.Tools.Import.BulkJobPolling { Interval = TimeSpan.FromMilliseconds(10), MaxWait = TimeSpan.FromSeconds(2) });
        });

        var results = new List<(string Tool, CallToolResult Result)>();
        foreach (var (tool, arguments) in Calls(file))
        {
            var before = stub.Requests.Count;
            var beforeResetting = resetting.Requests.Count;
            var started = DateTime.UtcNow;
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            budget.CancelAfter(TimeSpan.FromSeconds(30));
            var result = await mcp.CallCancellableAsync(tool, arguments, budget.Token);
            results.Add((tool, result));

            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"{tool} took {(DateTime.UtcNow - started).TotalSeconds:0.0} s under {fault}");
            Assert.DoesNotContain("failed unexpectedly", result.Text());
            if (result.IsError == true)
            {
                Assert.False(string.IsNullOrWhiteSpace(result.Text()), $"{tool} gave an empty error under {fault}");
            }

            // A 429 says Klaviyo did not process the request, so repeating a refused write duplicates nothing.
            var sent = stub.Requests.Skip(before).ToList();
            var sentLines = sent.Select(r => $"{r.Method} {r.Path}").Concat(resetting.Requests.Skip(beforeResetting)).ToList();
            foreach (var write in fault == "429 storm" ? [] : s_unrepeatableWrites)
            {
                Assert.True(sentLines.Count(r => r == write) <= 1, $"{tool} sent {write} more than once under {fault}");
            }

            if (fault == "reset mid-response" && result.IsError == true && sentLines.Any(s_unrepeatableWrites.Contains))
            {
                Assert.True(result.Text().Contains("unknown whether Klaviyo processed", StringComparison.Ordinal), $"{tool}: {result.Text()}");
            }

            var eventIds = sent.Where(r => r.Path == "/api/events" && r.Method == "POST").Select(r => (string?)r.BodyJson()["data"]!["attributes"]!["unique_id"]).Distinct().Count();
            Assert.True(eventIds <= 1, $"{tool}'s retries carried different unique_ids under {fault}");
        }

        // The server is still serving, and nothing it said or logged holds the key.
        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Calls(file).Count, tools.Count);
        Assert.DoesNotContain(results, r => JsonSerializer.Serialize(r.Result).Contains(KlaviyoStub.ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(mcp.Logs.Lines, line => line.Contains(KlaviyoStub.ApiKey, StringComparison.Ordinal));
    }

    private static void Arrange(KlaviyoStub stub, string fault)
    {
        var any = Request.Create().WithPath(new WildcardMatcher("/api/*")).UsingAnyMethod();
        var statuses = new[] { 500, 502, 503, 504 };
        var count = 0;
        switch (fault)
        {
            case "429 storm":
                stub.Server.Given(any).RespondWith(KlaviyoStub.Response(429, KlaviyoStub.ErrorBody(429, "throttled", "Request was throttled."), new Dictionary<string, string> { ["Retry-After"] = "1" }));
                break;
            case "5xx burst":
                stub.Server.Given(any).RespondWith(Response.Create().WithCallback(_ => new ResponseMessage { StatusCode = statuses[Interlocked.Increment(ref count) % 4] }));
                break;
            case "malformed JSON":
                stub.Server.Given(any).RespondWith(KlaviyoStub.Response(200, """{"data": [{"type": "profile", "id": """));
                break;
            case "HTML error page":
                stub.Server.Given(any).RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody("<html><body><h1>502 Bad Gateway</h1></body></html>"));
                break;
            case "empty 200":
                stub.Server.Given(any).RespondWith(Response.Create().WithStatusCode(200));
                break;
            case "10 MB response":
                stub.Server.Given(any).RespondWith(KlaviyoStub.Response(200, TenMegabytes()));
                break;
        }
    }

    private static string TenMegabytes()
    {
        var items = new JsonArray();
        var blob = new string('x', 10_000);
        for (var i = 0; i < 1_000; i++)
        {
            items.Add((JsonNode)new JsonObject
            {
                ["type"] = "profile",
                ["id"] = $"01P{i:D6}",
                ["attributes"] = new JsonObject { ["email"] = $"p{i}@klaviyo-demo.com", ["name"] = $"item {i}", ["properties"] = new JsonObject { ["blob"] = blob } },
            });
        }

        return new JsonObject { ["data"] = items, ["links"] = new JsonObject { ["self"] = "x" } }.ToJsonString();
    }

    private static List<(string Tool, string Arguments)> Calls(string importFile) =>
    [
        ("create_event", """{"metric":{"name":"A"},"profile":{"email":"a@klaviyo-demo.com"}}"""),
        ("bulk_create_events", """{"events":[{"metric":{"name":"A"},"profile":{"email":"a@klaviyo-demo.com"}}]}"""),
        ("import_events", JsonSerializer.Serialize(new Dictionary<string, string> { ["path"] = importFile }, ToolJson.Options)),
        ("get_events", "{}"),
        ("get_event", """{"id":"E1"}"""),
        ("get_profiles", "{}"),
        ("get_profile", """{"id":"01P"}"""),
        ("create_profile", """{"email":"a@klaviyo-demo.com"}"""),
        ("update_profile", """{"id":"01P","first_name":"Ann"}"""),
        ("create_or_update_profile", """{"email":"a@klaviyo-demo.com"}"""),
        ("subscribe_profiles", """{"profiles":[{"email":"a@klaviyo-demo.com"}],"channels":["email"]}"""),
        ("unsubscribe_profiles", """{"profiles":[{"email":"a@klaviyo-demo.com"}],"channels":["email"]}"""),
        ("suppress_profiles", """{"emails":["a@klaviyo-demo.com"]}"""),
        ("unsuppress_profiles", """{"emails":["a@klaviyo-demo.com"]}"""),
        ("get_lists", "{}"),
        ("get_list", """{"id":"L1"}"""),
        ("create_list", """{"name":"VIP"}"""),
        ("update_list", """{"id":"L1","name":"VIP 2"}"""),
        ("delete_list", """{"id":"L1"}"""),
        ("add_profiles_to_list", """{"list_id":"L1","profile_ids":["01P"]}"""),
        ("remove_profiles_from_list", """{"list_id":"L1","profile_ids":["01P"]}"""),
        ("get_profiles_for_list", """{"list_id":"L1"}"""),
        ("get_metrics", "{}"),
        ("get_metric", """{"id":"M1"}"""),
        ("query_metric_aggregates", """{"metric_id":"M1","start":"2026-07-01","end":"2026-07-02"}"""),
        ("get_segments", "{}"),
        ("get_segment", """{"id":"S1"}"""),
        ("get_profiles_for_segment", """{"segment_id":"S1"}"""),
        ("get_campaigns", "{}"),
        ("get_campaign", """{"id":"C1"}"""),
        ("get_flows", "{}"),
        ("get_flow", """{"id":"F1"}"""),
        ("update_flow_status", """{"id":"F1","status":"manual"}"""),
        ("query_campaign_values", """{"statistics":["opens"],"timeframe":"last_7_days","conversion_metric_id":"M1"}"""),
        ("query_flow_values", """{"statistics":["opens"],"timeframe":"last_7_days","conversion_metric_id":"M1"}"""),
        ("get_account", "{}"),
        ("import_profiles", JsonSerializer.Serialize(new Dictionary<string, string> { ["path"] = importFile }, ToolJson.Options)),
        ("get_coupons", "{}"),
        ("create_coupon", """{"name":"WINBACK"}"""),
        ("get_coupon_codes", """{"coupon_id":"WINBACK"}"""),
        ("generate_coupon_codes", """{"coupon_id":"WINBACK","count":3}"""),
        ("get_catalog_items", """{"title_contains":"Run"}"""),
        ("get_catalog_item", """{"item_id":"$custom:::$default:::RUN-1","include_variants":true}"""),
        ("get_catalog_categories", "{}"),
        ("find_operations", """{"query":"coupon codes"}"""),
        ("describe_operation", """{"operation":"create_coupon"}"""),
        ("call_operation", """{"operation":"create_coupon","body":{"data":{"type":"coupon","attributes":{"external_id":"WINBACK"}}}}"""),
        ("create_campaign", """{"name":"Fall","audiences":["L1"]}"""),
        ("update_campaign", """{"campaign_id":"C1","name":"Fall 2"}"""),
        ("update_campaign_message", """{"campaign_id":"C1","subject":"Hello"}"""),
        ("clone_campaign", """{"campaign_id":"C1"}"""),
        ("delete_campaign", """{"campaign_id":"C1"}"""),
        ("estimate_campaign_recipients", """{"campaign_id":"C1"}"""),
        ("send_campaign", """{"campaign_id":"C1"}"""),
        ("cancel_campaign_send", """{"campaign_id":"C1"}"""),
        ("get_templates", "{}"),
        ("get_template", """{"template_id":"T1"}"""),
        ("create_template", """{"name":"Fall","html":"<html><body>Hi</body></html>"}"""),
        ("update_template", """{"template_id":"T1","name":"Fall 2"}"""),
        ("clone_template", """{"template_id":"T1"}"""),
        ("render_template", """{"template_id":"T1"}"""),
        ("delete_template", """{"template_id":"T1"}"""),
        ("upload_image_from_url", """{"url":"https://example.com/logo.png"}"""),
        ("upload_image_from_file", JsonSerializer.Serialize(new Dictionary<string, string> { ["path"] = Path.Combine(Path.GetDirectoryName(importFile)!, "logo.png") }, ToolJson.Options)),
    ];

    private static class ToolJson
    {
        public static readonly JsonSerializerOptions Options = new();
    }
}
