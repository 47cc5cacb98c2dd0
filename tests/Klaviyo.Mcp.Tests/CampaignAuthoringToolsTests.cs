using System.Text.Json.Nodes;
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
}
