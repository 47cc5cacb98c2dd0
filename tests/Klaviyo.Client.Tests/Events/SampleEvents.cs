using System.Text.Json;
using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Profiles;

namespace Klaviyo.Client.Tests;

internal static class SampleEvents
{
    public static EventResource ViewedProduct(string? uniqueId = "order-4711-viewed-product-1111", IReadOnlyDictionary<string, JsonElement>? properties = null) =>
        new(new EventAttributes
        {
            Properties = properties ?? new Dictionary<string, JsonElement>
            {
                ["ProductID"] = JsonSerializer.SerializeToElement("1111"),
                ["ProductName"] = JsonSerializer.SerializeToElement("Winnie the Pooh"),
                ["Brand"] = JsonSerializer.SerializeToElement("Kids Book"),
                ["$extra"] = JsonDocument.Parse("""{"html_snippet":"<p>not segmentable</p>"}""").RootElement,
            },
            Time = new DateTimeOffset(2026, 7, 20, 14, 3, 0, TimeSpan.Zero),
            Value = 9.99,
            ValueCurrency = "USD",
            UniqueId = uniqueId,
            Metric = new JsonApiData<MetricResource>(new MetricResource(new MetricAttributes("Viewed Product"))),
            Profile = new JsonApiData<EventProfileResource>(new EventProfileResource(new ProfileAttributes
            {
                Email = "sarah.mason@klaviyo-demo.com",
                ExternalId = "crm-12345",
                FirstName = "Sarah",
            })),
        });
}
