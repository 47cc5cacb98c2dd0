using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;
using Klaviyo.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class BulkJobBuilderTests
{
    private static readonly EventArgumentsValidator s_validator = new(new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void A_job_takes_1000_events_and_the_1001st_starts_the_next()
    {
        var builder = new BulkJobBuilder();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(BulkAddOutcome.Added, builder.TryAdd(Event($"p{i}@klaviyo-demo.com", $"id-{i}"), i).Outcome);
        }

        Assert.Equal(BulkAddOutcome.Full, builder.TryAdd(Event("last@klaviyo-demo.com", "id-last"), 1000).Outcome);
        Assert.Equal(1000, builder.Count);
        AssertExactSizeAndValid(builder);
    }

    [Fact]
    public void A_job_stops_before_5_MB_and_its_size_is_counted_exactly()
    {
        var builder = new BulkJobBuilder();
        var i = 0;
        BulkAddResult added;
        while ((added = builder.TryAdd(Event($"p{i}@klaviyo-demo.com", $"id-{i}", padding: 90_000), i)).Outcome == BulkAddOutcome.Added)
        {
            i++;
        }

        Assert.Equal(BulkAddOutcome.Full, added.Outcome);
        Assert.True(builder.Bytes <= KlaviyoClient.MaxEventPayloadBytes);
        Assert.True(builder.Bytes > KlaviyoClient.MaxEventPayloadBytes - 100_000, $"the job was closed early at {builder.Bytes} bytes");
        AssertExactSizeAndValid(builder);
    }

    [Fact]
    public void A_job_may_be_exactly_5_MB()
    {
        var probe = new BulkJobBuilder(maxBytes: int.MaxValue);
        probe.TryAdd(Event("a@klaviyo-demo.com", "x", padding: 100), 0);
        var oneEvent = probe.Bytes;

        var exact = new BulkJobBuilder(maxBytes: (int)oneEvent);
        Assert.Equal(BulkAddOutcome.Added, exact.TryAdd(Event("a@klaviyo-demo.com", "x", padding: 100), 0).Outcome);
        Assert.Equal(oneEvent, exact.Bytes);

        var tooSmall = new BulkJobBuilder(maxBytes: (int)oneEvent - 1);
        var refused = tooSmall.TryAdd(Event("a@klaviyo-demo.com", "x", padding: 100), 0);
        Assert.Equal(BulkAddOutcome.TooLarge, refused.Outcome);
        Assert.Equal(oneEvent, refused.Bytes);
    }

    [Fact]
    public void Events_of_one_profile_share_an_entry()
    {
        var builder = new BulkJobBuilder();
        builder.TryAdd(Event("ann@klaviyo-demo.com", "1"), 0);
        builder.TryAdd(Event("bob@klaviyo-demo.com", "2"), 1);
        builder.TryAdd(Event("ann@klaviyo-demo.com", "3"), 2);

        var entries = builder.Build().Attributes.EventsBulkCreate.Data;

        Assert.Equal(2, entries.Count);
        Assert.Equal("ann@klaviyo-demo.com", entries[0].Attributes.Profile.Data.Attributes.Email);
        Assert.Equal(["1", "3"], entries[0].Attributes.Events.Data.Select(e => e.Attributes.UniqueId));
        AssertExactSizeAndValid(builder);
    }

    [Fact]
    public void A_repeated_unique_id_for_the_same_profile_and_metric_is_refused()
    {
        var builder = new BulkJobBuilder();
        Assert.Equal(BulkAddOutcome.Added, builder.TryAdd(Event("ann@klaviyo-demo.com", "order-1"), 0).Outcome);

        var again = builder.TryAdd(Event("ANN@klaviyo-demo.com", "order-1"), 5);
        Assert.Equal(BulkAddOutcome.Duplicate, again.Outcome);
        Assert.Equal(0, again.DuplicateOf);

        Assert.Equal(BulkAddOutcome.Added, builder.TryAdd(Event("bob@klaviyo-demo.com", "order-1"), 6).Outcome);
        Assert.Equal(BulkAddOutcome.Added, builder.TryAdd(Event("ann@klaviyo-demo.com", "order-1", metric: "Refunded Order"), 7).Outcome);
    }

    private static void AssertExactSizeAndValid(BulkJobBuilder builder)
    {
        var body = KlaviyoClient.SerializeBulkJob(builder.Build());
        Assert.Equal(builder.Bytes, body.Length);
        Assert.True(body.AsSpan().SequenceEqual(builder.Writer.ToArray()), "the writer's body differs from the typed serialization");
        OpenApiContract.AssertValid("POST", "/api/event-bulk-create-jobs", System.Text.Encoding.UTF8.GetString(body));
    }

    internal static PreparedEvent Event(string email, string uniqueId, int padding = 0, string metric = "Placed Order")
    {
        var errors = new ArgumentErrors();
        var prepared = s_validator.Prepare(
            new CreateEventArguments
            {
                Metric = new EventMetricArgument { Name = metric },
                Profile = new EventProfileArgument { Email = email },
                Properties = padding == 0 ? null : new Dictionary<string, JsonElement> { ["pad"] = JsonSerializer.SerializeToElement(new string('x', padding)) },
                Time = "2026-07-20T14:03:00Z",
                Value = 9.99,
                UniqueId = uniqueId,
            },
            "",
            errors);
        Assert.False(errors.Any, string.Join("; ", errors.Violations));
        return prepared!;
    }
}
