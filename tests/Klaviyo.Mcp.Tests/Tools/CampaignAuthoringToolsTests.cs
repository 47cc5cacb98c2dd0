using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Tools.Authoring;
using Microsoft.Extensions.DependencyInjection;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class CampaignAuthoringToolsTests
{
    internal const string Lists = """{"data":[{"type":"list","id":"LVip01","attributes":{"name":"VIP"}},{"type":"list","id":"LNews1","attributes":{"name":"Newsletter"}}],"links":{"self":"x","next":null}}""";
    internal const string Segments = """{"data":[{"type":"segment","id":"SLaps1","attributes":{"name":"Lapsed buyers"}},{"type":"segment","id":"SBounc","attributes":{"name":"Bounced"}}],"links":{"self":"x","next":null}}""";
    internal const string Templates = """{"data":[{"type":"template","id":"TSale1","attributes":{"name":"Sale layout","editor_type":"CODE","html":"<p>x</p>"}}],"links":{"self":"x","next":null}}""";

    internal static string CampaignBody(string status = "Draft") => """
        {"data":{"type":"campaign","id":"C12345","attributes":{"name":"Summer sale","status":"STATUS","archived":false,
          "audiences":{"included":["LVip01","SLaps1"],"excluded":["SBounc"]},
          "send_strategy":{"method":"static","datetime":"2030-08-01T15:00:00+00:00","options":{"is_local":false}}},
          "relationships":{"campaign-messages":{"data":[{"type":"campaign-message","id":"M12345"}]}},"links":{"self":"x"}},
         "included":[{"type":"campaign-message","id":"M12345","attributes":{"definition":{"channel":"email","label":"Summer sale","content":{"subject":"Hello","from_email":"store@example.com"}}}}]}
        """.Replace("STATUS", status, StringComparison.Ordinal);

    internal static KlaviyoStub Audiences(KlaviyoStub stub) => stub
        .Answer("GET", "/api/lists", 200, Lists)
        .Answer("GET", "/api/segments", 200, Segments)
        .Answer("GET", "/api/templates", 200, Templates);

    [Fact]
    public async Task Create_campaign_resolves_names_and_sends_spec_valid_create_and_template_bodies()
    {
        using var stub = Audiences(new KlaviyoStub())
            .Answer("POST", "/api/campaigns", 201, CampaignBody())
            .Answer("POST", "/api/campaign-message-assign-template", 200, """{"data":{"type":"campaign-message","id":"M12345","attributes":{"label":"Summer sale","channel":"email"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("create_campaign", """
            {"name":"Summer sale","audiences":["vip","Lapsed buyers"],"excluded_audiences":["Bounced"],
             "send_strategy":{"method":"static","datetime":"2030-08-01T15:00:00+00:00"},
             "subject":"Hello","from_email":"store@example.com","template_name":"Sale layout","use_smart_sending":true}
            """)).AssertSuccess().StructuredContent!.Value;

        var create = stub.Requests.Single(r => r.Method == "POST" && r.Path == "/api/campaigns");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"data":{"type":"campaign","attributes":{"name":"Summer sale",
              "audiences":{"included":["LVip01","SLaps1"],"excluded":["SBounc"]},
              "send_strategy":{"method":"static","datetime":"2030-08-01T15:00:00+00:00"},
              "send_options":{"use_smart_sending":true},
              "campaign-messages":{"data":[{"type":"campaign-message","attributes":{"definition":{"channel":"email","label":"Summer sale","content":{"subject":"Hello","from_email":"store@example.com"}}}}]}}}}
            """), create.BodyJson()), create.Body);
        var assign = stub.Requests.Single(r => r.Path == "/api/campaign-message-assign-template");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"data":{"type":"campaign-message","id":"M12345","relationships":{"template":{"data":{"type":"template","id":"TSale1"}}}}}"""), assign.BodyJson()), assign.Body);

        Assert.Equal("C12345", result.GetProperty("id").GetString());
        Assert.Equal("Draft", result.GetProperty("status").GetString());
        Assert.Equal("M12345", result.GetProperty("message_id").GetString());
        Assert.Equal("TSale1", result.GetProperty("template_id").GetString());
        var included = result.GetProperty("audiences").GetProperty("included");
        Assert.Equal("VIP", included[0].GetProperty("name").GetString());
        Assert.Equal("Lapsed buyers", included[1].GetProperty("name").GetString());
        Assert.Equal("Bounced", result.GetProperty("audiences").GetProperty("excluded")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"method":"smart_send_time","date":"2030-08-01"}""")]
    [InlineData("""{"method":"static","datetime":"2030-08-01T15:00:00Z","is_local":true,"send_past_recipients_immediately":true}""")]
    [InlineData("""{"method":"throttled","datetime":"2030-08-01T15:00:00Z","throttle_percentage":20}""")]
    [InlineData("""{"method":"immediate"}""")]
    public async Task An_SMS_campaign_with_each_send_strategy_sends_a_spec_valid_create(string strategy)
    {
        using var stub = Audiences(new KlaviyoStub()).Answer("POST", "/api/campaigns", 201, CampaignBody());
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("create_campaign", $$"""{"name":"Flash","channel":"sms","audiences":["vip"],"sms_body":"20% off today","send_strategy":{{strategy}}}""")).AssertSuccess();

        var create = stub.Requests.Single(r => r.Method == "POST" && r.Path == "/api/campaigns").BodyJson();
        OpenApiContract.AssertValid("POST", "/api/campaigns", create.ToJsonString());
        var message = create["data"]!["attributes"]!["campaign-messages"]!["data"]![0]!["attributes"]!["definition"]!;
        Assert.Equal("sms", (string?)message["channel"]);
        Assert.Equal("20% off today", (string?)message["content"]!["body"]);
        Assert.Equal((string?)JsonNode.Parse(strategy)!["method"], (string?)create["data"]!["attributes"]!["send_strategy"]!["method"]);
    }

    private static bool Writes(KlaviyoStub stub) => stub.Requests.Any(r => r.Method != "GET");

    [Fact]
    public async Task Argument_errors_send_nothing()
    {
        using var folder = new TemporaryFolder();
        using var outside = new TemporaryFolder();
        var image = outside.Write("logo.png", "png");
        using var stub = Audiences(new KlaviyoStub()).Answer("GET", "/api/campaigns/C12345", 200, CampaignBody("Sent"));
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ImportRootsVariable] = folder.Path });

        var unknown = await mcp.CallAsync("create_campaign", """{"name":"x","audiences":["VIP list"],"subject":"s"}""");
        Assert.True(unknown.IsError);
        Assert.Contains("VIP", unknown.Text());
        Assert.Contains("LVip01", unknown.Text());

        var sent = await mcp.CallAsync("update_campaign", """{"campaign_id":"C12345","name":"y"}""");
        Assert.True(sent.IsError);
        Assert.Contains("is Sent", sent.Text());

        var throttle = await mcp.CallAsync("create_campaign", """{"name":"x","audiences":["VIP"],"send_strategy":{"method":"throttled","datetime":"2030-08-01T15:00:00Z","throttle_percentage":15}}""");
        Assert.True(throttle.IsError);
        Assert.Contains("15 is not one Klaviyo allows", throttle.Text());

        var http = await mcp.CallAsync("upload_image_from_url", """{"url":"http://example.com/a.png"}""");
        Assert.True(http.IsError);
        Assert.Contains("https", http.Text());

        var file = await mcp.CallAsync("upload_image_from_file", JsonSerializer.Serialize(new { path = image }));
        Assert.True(file.IsError);
        Assert.Contains("outside the folders", file.Text());

        Assert.False(Writes(stub));
    }

    [Fact]
    public async Task Update_clone_cancel_estimate_and_send_bodies_match_the_spec()
    {
        using var stub = Audiences(new KlaviyoStub())
            .Answer("GET", "/api/campaigns/C12345", 200, CampaignBody())
            .Answer("PATCH", "/api/campaigns/C12345", 200, CampaignBody())
            .Answer("PATCH", "/api/campaign-messages/M12345", 200, """{"data":{"type":"campaign-message","id":"M12345","attributes":{"definition":{"channel":"email","content":{"subject":"New"}}}}}""")
            .Answer("POST", "/api/campaign-clone", 201, CampaignBody().Replace("C12345", "C99999", StringComparison.Ordinal))
            .Answer("PATCH", "/api/campaign-send-jobs/C12345", 204)
            .Answer("POST", "/api/campaign-recipient-estimation-jobs", 202, """{"data":{"type":"campaign-recipient-estimation-job","id":"C12345","attributes":{"status":"queued"}}}""")
            .AnswerInSequence("GET", "/api/campaign-recipient-estimation-jobs/C12345",
                r => KlaviyoStub.Response(200, """{"data":{"type":"campaign-recipient-estimation-job","id":"C12345","attributes":{"status":"processing"}}}"""),
                r => KlaviyoStub.Response(200, """{"data":{"type":"campaign-recipient-estimation-job","id":"C12345","attributes":{"status":"complete"}}}"""))
            .Answer("GET", "/api/campaign-recipient-estimations/C12345", 200, """{"data":{"type":"campaign-recipient-estimation","id":"C12345","attributes":{"estimated_recipient_count":1234}}}""")
            .Answer("POST", "/api/campaign-message-assign-template", 200, """{"data":{"type":"campaign-message","id":"M12345","attributes":{"label":"Summer sale","channel":"email"}}}""")
            .Answer("POST", "/api/campaign-send-jobs", 202, """{"data":{"type":"campaign-send-job","id":"C12345","attributes":{"status":"queued"}}}""");
        var polling = new EstimatePolling(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30));
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ConfirmVariable] = "true" }, services: s => s.AddSingleton(polling));

        (await mcp.CallAsync("update_campaign", """{"campaign_id":"C12345","name":"Renamed","audiences":["LNews1"],"use_smart_sending":false,"tracking":true,"send_strategy":{"method":"throttled","datetime":"2030-08-01T15:00:00Z","throttle_percentage":10}}""")).AssertSuccess();
        (await mcp.CallAsync("update_campaign_message", """{"campaign_id":"C12345","subject":"New","template_id":"TSale1"}""")).AssertSuccess();
        var clone = (await mcp.CallAsync("clone_campaign", """{"campaign_id":"C12345","name":"Copy"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("C99999", clone.GetProperty("id").GetString());
        // Cancelling a send is destructive in the catalogue: it too waits for the person's yes.
        var cancel = (await mcp.CallAsync("cancel_campaign_send", """{"campaign_id":"C12345","revert":true}""")).AssertSuccess().StructuredContent!.Value;
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/api/campaign-send-jobs/C12345");
        var cancelToken = cancel.GetProperty("confirmation_token").GetString()!;
        (await mcp.CallAsync("cancel_campaign_send", $$"""{"campaign_id":"C12345","revert":true,"confirmation_token":"{{cancelToken}}"}""")).AssertSuccess();

        Assert.Equal(1234, (await mcp.CallAsync("estimate_campaign_recipients", """{"campaign_id":"C12345"}""")).AssertSuccess().StructuredContent!.Value.GetProperty("estimated_recipients").GetInt32());

        var first = (await mcp.CallAsync("send_campaign", """{"campaign_id":"C12345"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/api/campaign-send-jobs" && r.Method == "POST");
        var summary = first.GetProperty("summary").GetString()!;
        Assert.Contains("1,234", summary);
        Assert.Contains("VIP", summary);
        var token = first.GetProperty("confirmation_token").GetString()!;
        var sentResult = (await mcp.CallAsync("send_campaign", $$"""{"campaign_id":"C12345","confirmation_token":"{{token}}"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("queued", sentResult.GetProperty("send_job_status").GetString());

        var update = stub.Requests.Single(r => r.Method == "PATCH" && r.Path == "/api/campaigns/C12345").BodyJson();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"data":{"type":"campaign","id":"C12345","attributes":{"name":"Renamed","audiences":{"included":["LNews1"]},"send_strategy":{"method":"throttled","datetime":"2030-08-01T15:00:00+00:00","throttle_percentage":10},"send_options":{"use_smart_sending":false},"tracking_options":{"add_tracking_params":true,"is_tracking_clicks":true,"is_tracking_opens":true}}}}"""), update), update.ToJsonString());
        Assert.Equal("""{"data":{"type":"campaign-send-job","id":"C12345","attributes":{"action":"revert"}}}""", stub.Requests.Single(r => r.Path == "/api/campaign-send-jobs/C12345").Body);
        Assert.Equal("""{"data":{"type":"campaign","id":"C12345","attributes":{"new_name":"Copy"}}}""", stub.Requests.Single(r => r.Path == "/api/campaign-clone").Body);
        Assert.Equal("""{"data":{"type":"campaign-send-job","id":"C12345"}}""", stub.Requests.Single(r => r.Path == "/api/campaign-send-jobs" && r.Method == "POST").Body);
        Assert.Contains(stub.Requests, r => r.Path == "/api/campaign-messages/M12345" && r.Method == "PATCH");
        Assert.Contains(stub.Requests, r => r.Path == "/api/campaign-message-assign-template");
    }

    [Fact]
    public async Task Send_and_delete_campaign_ask_the_person_through_elicitation_before_anything_is_sent()
    {
        using var stub = Audiences(new KlaviyoStub())
            .Answer("GET", "/api/campaigns/C12345", 200, CampaignBody())
            .Answer("POST", "/api/campaign-recipient-estimation-jobs", 202, """{"data":{"type":"campaign-recipient-estimation-job","id":"C12345","attributes":{"status":"complete"}}}""")
            .Answer("GET", "/api/campaign-recipient-estimation-jobs/C12345", 200, """{"data":{"type":"campaign-recipient-estimation-job","id":"C12345","attributes":{"status":"complete"}}}""")
            .Answer("GET", "/api/campaign-recipient-estimations/C12345", 200, """{"data":{"type":"campaign-recipient-estimation","id":"C12345","attributes":{"estimated_recipient_count":1234}}}""")
            .Answer("POST", "/api/campaign-send-jobs", 202, """{"data":{"type":"campaign-send-job","id":"C12345","attributes":{"status":"queued"}}}""")
            .Answer("DELETE", "/api/campaigns/C12345", 204);
        var polling = new EstimatePolling(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30));
        string? asked = null;
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ConfirmVariable] = "true" }, services: s => s.AddSingleton(polling),
            elicitation: (request, _) =>
            {
                asked = request!.Message;
                return ValueTask.FromResult(new ModelContextProtocol.Protocol.ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, System.Text.Json.JsonElement> { ["confirm"] = System.Text.Json.JsonSerializer.SerializeToElement(true) },
                });
            });

        var sent = (await mcp.CallAsync("send_campaign", """{"campaign_id":"C12345"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("queued", sent.GetProperty("send_job_status").GetString());
        Assert.Contains("VIP", asked);
        Assert.Contains("1,234", asked);
        Assert.Single(stub.Requests, r => r.Path == "/api/campaign-send-jobs" && r.Method == "POST");

        var deleted = (await mcp.CallAsync("delete_campaign", """{"campaign_id":"C12345"}""")).AssertSuccess();
        Assert.Contains(stub.Requests, r => r.Method == "DELETE" && r.Path == "/api/campaigns/C12345");
        Assert.Contains("C12345", asked);
        Assert.NotEqual(true, deleted.IsError);
    }
}
