using Klaviyo.Client.Operations;

namespace Klaviyo.Client.Tests;

/// <summary>Natural questions land on the operation that answers them.</summary>
public sealed class OperationSearchTests
{
    [Theory]
    [InlineData("coupon codes", "get_coupon_codes")]
    [InlineData("tag a flow", "tag_flows")]
    [InlineData("form submissions report", "query_form_values")]
    [InlineData("unsubscribe someone", "bulk_unsubscribe_profiles")]
    [InlineData("add profile to list", "add_profiles_to_list")]
    [InlineData("send a campaign", "send_campaign")]
    [InlineData("upload image", "upload_image_from_file")]
    [InlineData("create webhook", "create_webhook")]
    [InlineData("segment growth over time", "query_segment_series")]
    [InlineData("list all campaigns", "get_campaigns")]
    [InlineData("find a customer by email", "get_profiles")]
    [InlineData("delete a list", "delete_list")]
    [InlineData("rename a list", "update_list")]
    [InlineData("members of a segment", "get_profiles_for_segment")]
    [InlineData("track a purchase event", "create_event")]
    [InlineData("import many events at once", "bulk_create_events")]
    [InlineData("revenue per day", "query_metric_aggregates")]
    [InlineData("campaign performance report", "query_campaign_values")]
    [InlineData("flow performance over time", "query_flow_series")]
    [InlineData("turn a flow on", "update_flow")]
    [InlineData("gdpr delete a customer", "request_profile_deletion")]
    [InlineData("merge two profiles", "merge_profiles")]
    [InlineData("copy a template", "clone_template")]
    [InlineData("preview an email template", "render_template")]
    [InlineData("create a discount code", "create_coupon_code")]
    [InlineData("products in the catalog", "get_catalog_items")]
    [InlineData("suppress an email address", "bulk_suppress_profiles")]
    [InlineData("stop a campaign that is sending", "cancel_campaign_send")]
    [InlineData("subscribe people to sms", "bulk_subscribe_profiles")]
    [InlineData("what metrics exist", "get_metrics")]
    [InlineData("back in stock alert", "create_back_in_stock_subscription")]
    [InlineData("tags on a campaign", "get_tags_for_campaign")]
    [InlineData("check bulk import status", "get_bulk_import_profiles_job")]
    [InlineData("remove someone from a list", "remove_profiles_from_list")]
    [InlineData("universal content blocks", "get_all_universal_content")]
    [InlineData("push tokens for a profile", "get_push_tokens_for_profile")]
    [InlineData("update catalog item price", "update_catalog_item")]
    [InlineData("account details", "get_account")]
    [InlineData("get profile", "get_profile")]
    [InlineData("which lists is this person on", "get_lists_for_profile")]
    [InlineData("block a user from emails", "bulk_suppress_profiles")]
    [InlineData("reply to a customer by text", "create_conversation_message")]
    public void A_natural_question_finds_its_operation_in_the_top_three(string query, string expected)
    {
        var found = OperationSearch.Find(query, limit: 5).Select(o => o.Id).ToList();

        Assert.True(found.Take(3).Contains(expected), $"'{query}' should find {expected}; found {string.Join(", ", found)}");
    }

    [Fact]
    public void An_exact_id_or_alias_comes_first()
    {
        Assert.Equal("get_profiles", OperationSearch.Find("get_profiles")[0].Id);
        Assert.Equal("bulk_subscribe_profiles", OperationSearch.Find("subscribe profiles")[0].Id);
    }

    [Fact]
    public void The_tag_keeps_one_area_ignoring_case_and_punctuation()
    {
        var found = OperationSearch.Find("create", "custom-OBJECTS", limit: 50);

        Assert.NotEmpty(found);
        Assert.All(found, o => Assert.Equal("Custom Objects", o.Tag));
        Assert.Equal(9, OperationSearch.Find(null, "forms", limit: 50).Count);
        Assert.Empty(OperationSearch.Find("profiles", "no such area"));
    }

    [Fact]
    public void Client_side_operations_are_never_found()
    {
        Assert.DoesNotContain(OperationSearch.Find("create client event", limit: 50), o => o.ClientSide);
        Assert.Empty(OperationSearch.Find(null, "Client", limit: 50));
    }

    [Fact]
    public void The_limit_is_kept_within_one_and_fifty()
    {
        Assert.Single(OperationSearch.Find("profiles", limit: 0));
        Assert.Equal(50, OperationSearch.Find("get", limit: 500).Count);
        Assert.Equal(3, OperationSearch.Find("campaign", limit: 3).Count);
        Assert.Empty(OperationSearch.Find("xyzzy plugh"));
    }

    [Theory]
    [InlineData("get_profles", "get_profiles")]
    [InlineData("getLists", "get_lists")]
    [InlineData("create_cupon", "create_coupon")]
    [InlineData("delete_tags", "delete_tag")]
    [InlineData("campaign_send", "send_campaign")]
    public void A_misspelled_operation_id_suggests_the_intended_one_first(string given, string expected) =>
        Assert.Equal(expected, OperationSearch.Suggest(given)[0].Id);

    [Fact]
    public void A_long_unknown_id_costs_no_more_than_its_first_words()
    {
        OperationSearch.Suggest("get_lists");
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var suggested = OperationSearch.Suggest("get_profiles_" + new string('x', 100_000));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 20_000_000, "the spelling pass compared a 100,000-character id");
        Assert.Contains(suggested, o => o.Id == "get_profiles");
    }
}
