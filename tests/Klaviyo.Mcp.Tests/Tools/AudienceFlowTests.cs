using System.Text.Json;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>The job agents are asked for most, end to end against a stateful fake account.</summary>
public sealed class AudienceFlowTests
{
    [Fact]
    public async Task Upsert_a_profile_create_a_list_add_by_email_and_see_the_member()
    {
        using var stub = new KlaviyoStub();
        var account = new FakeKlaviyoAccount(stub);
        await using var mcp = await McpHarness.StartAsync(stub);

        var upsert = (await mcp.CallAsync("create_or_update_profile", """{"email":"sarah.mason@klaviyo-demo.com","first_name":"Sarah"}""")).AssertSuccess();
        Assert.Equal("created", upsert.StructuredContent!.Value.GetProperty("outcome").GetString());
        var profileId = upsert.StructuredContent.Value.GetProperty("profile").GetProperty("id").GetString()!;

        var list = (await mcp.CallAsync("create_list", """{"name":"VIP Customers","opt_in_process":"single_opt_in"}""")).AssertSuccess();
        Assert.Equal("VIP Customers", list.StructuredContent!.Value.GetProperty("name").GetString());

        var added = (await mcp.CallAsync("add_profiles_to_list", """{"list_name":"vip customers","emails":["Sarah.Mason@klaviyo-demo.com","nobody@klaviyo-demo.com"]}""")).AssertSuccess();
        Assert.Equal(1, added.StructuredContent!.Value.GetProperty("added").GetInt32());
        Assert.Equal(["nobody@klaviyo-demo.com"], added.StructuredContent.Value.GetProperty("not_found").EnumerateArray().Select(e => e.GetString()));

        var members = (await mcp.CallAsync("get_profiles_for_list", """{"list_name":"VIP Customers"}""")).AssertSuccess();
        var item = Assert.Single(members.StructuredContent!.Value.GetProperty("items").EnumerateArray());
        Assert.Equal(profileId, item.GetProperty("id").GetString());
        Assert.Equal("sarah.mason@klaviyo-demo.com", item.GetProperty("email").GetString());
        Assert.Equal("Sarah", item.GetProperty("first_name").GetString());
        Assert.False(members.StructuredContent.Value.TryGetProperty("next_cursor", out _));

        var listId = list.StructuredContent.Value.GetProperty("id").GetString()!;
        Assert.Equal([profileId], account.Members[listId]);
    }
}
