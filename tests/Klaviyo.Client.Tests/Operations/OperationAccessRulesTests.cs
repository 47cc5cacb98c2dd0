using System.Text.Json;
using Klaviyo.Client.Operations;

namespace Klaviyo.Client.Tests;

/// <summary>What each operation does to an account, and whether a retry after an ambiguous failure is safe: the cases that are not obvious from the method.</summary>
public sealed class OperationAccessRulesTests
{
    private static OperationCatalog Catalog => OperationCatalog.Default;

    [Theory]
    // POSTs that only read.
    [InlineData("query_metric_aggregates", OperationAccess.Read, true)]
    [InlineData("query_campaign_values", OperationAccess.Read, true)]
    [InlineData("query_flow_series", OperationAccess.Read, true)]
    [InlineData("query_form_values", OperationAccess.Read, true)]
    [InlineData("query_segment_series", OperationAccess.Read, true)]
    [InlineData("render_template", OperationAccess.Read, true)]
    [InlineData("refresh_campaign_recipient_estimation", OperationAccess.Read, true)]
    // Reaching people, consent, irreversible.
    [InlineData("send_campaign", OperationAccess.Destructive, false)]
    [InlineData("cancel_campaign_send", OperationAccess.Destructive, true)]
    [InlineData("create_conversation_message", OperationAccess.Destructive, false)]
    [InlineData("update_flow", OperationAccess.Destructive, true)]
    [InlineData("update_flow_action", OperationAccess.Destructive, true)]
    [InlineData("bulk_unsubscribe_profiles", OperationAccess.Destructive, true)]
    [InlineData("bulk_suppress_profiles", OperationAccess.Destructive, true)]
    [InlineData("request_profile_deletion", OperationAccess.Destructive, true)]
    [InlineData("merge_profiles", OperationAccess.Destructive, false)]
    [InlineData("bulk_delete_catalog_items", OperationAccess.Destructive, true)]
    [InlineData("bulk_delete_object_records", OperationAccess.Destructive, true)]
    [InlineData("delete_list", OperationAccess.Destructive, true)]
    [InlineData("delete_tag_group", OperationAccess.Destructive, true)]
    [InlineData("remove_profiles_from_list", OperationAccess.Destructive, true)]
    // Writes: reversible, some safe to repeat because they set a state.
    [InlineData("bulk_unsuppress_profiles", OperationAccess.Write, true)]
    [InlineData("bulk_subscribe_profiles", OperationAccess.Write, false)]
    [InlineData("create_or_update_profile", OperationAccess.Write, true)]
    [InlineData("add_profiles_to_list", OperationAccess.Write, true)]
    [InlineData("tag_flows", OperationAccess.Write, true)]
    [InlineData("create_object_schema_relationship", OperationAccess.Write, true)]
    [InlineData("bulk_update_catalog_items", OperationAccess.Write, true)]
    [InlineData("update_profile", OperationAccess.Write, true)]
    [InlineData("create_list", OperationAccess.Write, false)]
    [InlineData("create_event", OperationAccess.Write, false)]
    [InlineData("bulk_create_events", OperationAccess.Write, false)]
    [InlineData("bulk_import_profiles", OperationAccess.Write, false)]
    [InlineData("bulk_create_coupon_codes", OperationAccess.Write, false)]
    [InlineData("create_campaign_clone", OperationAccess.Write, false)]
    [InlineData("upload_image_from_url", OperationAccess.Write, false)]
    [InlineData("get_profiles", OperationAccess.Read, true)]
    public void Non_obvious_operations_are_classified_on_purpose(string id, OperationAccess access, bool safeToRepeat)
    {
        var operation = Catalog.Find(id)!;
        Assert.Equal(access, operation.Access);
        Assert.Equal(safeToRepeat, operation.SafeToRepeat);
    }

    [Fact]
    public void Every_operation_the_rules_name_exists()
    {
        var named = OperationAccessRules.QueryOnlyPosts.Keys.Concat(OperationAccessRules.Destructive.Keys).Concat(OperationAccessRules.RepeatableWrites.Keys);
        Assert.All(named, id => Assert.Equal(id, Catalog.Find(id)?.Id));
        Assert.All(OperationAccessRules.QueryOnlyPosts.Keys, id => Assert.Equal("POST", Catalog.Find(id)!.Method));
    }

    [Fact]
    public void Reads_are_the_gets_and_the_query_only_posts_and_every_delete_is_destructive()
    {
        Assert.Equal(204 + 10, Catalog.Operations.Count(o => o.Access == OperationAccess.Read));
        Assert.Equal(30 + 13, Catalog.Operations.Count(o => o.Access == OperationAccess.Destructive));
        Assert.All(Catalog.Operations.Where(o => o.Method == "DELETE"), o => Assert.Equal(OperationAccess.Destructive, o.Access));
        Assert.All(Catalog.Operations.Where(o => o.Method == "GET"), o => Assert.True(o.Access == OperationAccess.Read && o.SafeToRepeat));
        Assert.All(Catalog.Operations.Where(o => o.Method == "PATCH"), o => Assert.True(o.SafeToRepeat));
    }

    [Fact]
    public void A_body_can_make_a_request_safe_or_unsafe_to_repeat()
    {
        Assert.False(Safe("create_event", """{"data":{"type":"event","attributes":{"properties":{}}}}"""));
        Assert.True(Safe("create_event", """{"data":{"type":"event","attributes":{"unique_id":"order-1"}}}"""));

        Assert.True(Safe("update_profile", """{"data":{"type":"profile","id":"P1","attributes":{"first_name":"Ann"}}}"""));
        Assert.False(Safe("update_profile", """{"data":{"type":"profile","id":"P1","meta":{"patch_properties":{"append":{"tags":"vip"}}}}}"""));
        Assert.False(Safe("create_or_update_profile", """{"data":{"type":"profile","meta":{"patch_properties":{"append":{"tags":"vip"}}}}}"""));

        Assert.True(Safe("create_profile", """{"data":{"type":"profile","attributes":{"email":"a@example.com"}}}"""));
        Assert.False(Safe("create_profile", """{"data":{"type":"profile","attributes":{"first_name":"Ann"}}}"""));

        var events = """{"type":"event","attributes":{"unique_id":"e1"}},{"type":"event","attributes":{"unique_id":"e2"}}""";
        Assert.True(Safe("bulk_create_events", Bulk(events)));
        Assert.False(Safe("bulk_create_events", Bulk("""{"type":"event","attributes":{"unique_id":"e1"}},{"type":"event","attributes":{}}""")));

        Assert.True(Safe("get_profiles", null));
        Assert.True(Safe("delete_list", null));
        Assert.False(Safe("send_campaign", """{"data":{"type":"campaign-send-job","id":"C1"}}"""));
    }

    private static string Bulk(string events) =>
        """{"data":{"type":"event-bulk-create-job","attributes":{"events-bulk-create":{"data":[{"type":"event-bulk-create","attributes":{"events":{"data":[""" + events + "]}}}]}}}}";

    private static bool Safe(string id, string? body)
    {
        if (body is null)
        {
            return Catalog.Find(id)!.IsSafeToRepeat();
        }

        // The client decides from the body's bytes as it sends them: the same answer as from the parsed body.
        using var document = JsonDocument.Parse(body);
        var safe = Catalog.Find(id)!.IsSafeToRepeat(document.RootElement);
        Assert.Equal(safe, OperationAccessRules.IsSafeToRepeat(Catalog.Find(id)!, System.Text.Encoding.UTF8.GetBytes(body)));
        return safe;
    }
}
