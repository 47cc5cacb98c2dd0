using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// What marking strangers' text costs a call: a page of 100 profiles with 30 properties each (some with invisible
/// characters to remove) shaped into a tool result, with the profiles' fields sanitized and marked (resource type
/// "profile") and, in the same run, as a resource type nothing is classified for (the shaping alone, as before the
/// marking existed). The difference of the medians is the cost of sanitizing and marking.
/// </summary>
internal static class UntrustedBenchmark
{
    public static int Run(int rounds)
    {
        var budget = new ResultBudget(10_000_000);
        var marked = Page("profile");
        var plain = Page("unclassified-profile");
        var withMarks = Measure(() => UntrustedValues.Mark(ToolResults.Page(marked, PageCursor.First, budget), allowed: true), rounds);
        var without = Measure(() => ToolResults.Page(plain, PageCursor.First, budget), rounds);
        var classified = Measure(() => ToolResults.Page(marked, PageCursor.First, budget), rounds);
        var shaped = ToolResults.Page(marked, PageCursor.First, budget);
        var text = ((ModelContextProtocol.Protocol.TextContentBlock)shaped.Content[0]).Text;
        var markOnly = Measure(() => UntrustedValues.Mark(new ModelContextProtocol.Protocol.CallToolResult { Content = [new ModelContextProtocol.Protocol.TextContentBlock { Text = text }], StructuredContent = shaped.StructuredContent }, allowed: true), rounds);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"untrusted\":\"100 profiles x 30 properties\",\"result_chars\":{text.Length},\"rounds\":{rounds},\"p50_ms_unmarked\":{without:0.000},\"p50_ms_classified\":{classified:0.000},\"p50_ms_marking_pass\":{markOnly:0.000},\"p50_ms_marked\":{withMarks:0.000},\"added_ms\":{withMarks - without:0.000}}}"));
        return 0;
    }

    private static double Measure(Action shape, int rounds)
    {
        for (var i = 0; i < 50; i++)
        {
            shape();
        }

        var times = new double[rounds];
        for (var i = 0; i < rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            shape();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[rounds / 2];
    }

    private static JsonApiDocument Page(string type)
    {
        var data = new JsonArray();
        for (var i = 0; i < 100; i++)
        {
            var properties = new JsonObject();
            for (var p = 0; p < 30; p++)
            {
                properties[$"property_{p}"] = p % 10 == 0 ? $"value {i}-{p}\u200B with a hidden mark" : $"value {i}-{p}: Zoë, 東京, 👩🏽‍💻";
            }

            data.Add(new JsonObject
            {
                ["type"] = type,
                ["id"] = $"01PROFILE{i:D4}",
                ["attributes"] = new JsonObject
                {
                    ["email"] = $"person{i}@example.com",
                    ["first_name"] = "Ann",
                    ["last_name"] = "Ångström",
                    ["location"] = new JsonObject { ["city"] = "Oslo", ["timezone"] = "Europe/Oslo" },
                    ["properties"] = properties,
                },
            });
        }

        return new JsonApiDocument(HttpStatusCode.OK, JsonDocument.Parse(new JsonObject { ["data"] = data }.ToJsonString()).RootElement.Clone());
    }
}
