using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// What marking strangers' text costs a call: a page of 100 profiles with 30 properties each shaped into a tool result,
/// with the profiles' fields sanitized and marked (resource type "profile") and, in the same run, as a resource type
/// nothing is classified for (the shaping alone, as before the marking existed). The difference of the medians is the
/// cost. Twice: ordinary text, and a tenth of the values holding a zero-width space to remove.
/// </summary>
internal static class UntrustedBenchmark
{
    public static int Run(int rounds)
    {
        // Ordinary text (names, cities, emoji: nothing to remove), then a tenth of the values with a zero-width space.
        foreach (var hidden in new[] { false, true })
        {
            var budget = new ResultBudget(10_000_000);
            var marked = Page("profile", hidden);
            var plain = Page("unclassified-profile", hidden);
            var without = Measure(() => ToolResults.Page(plain, PageCursor.First, budget), rounds);
            var withMarks = Measure(() => UntrustedValues.Mark(ToolResults.Page(marked, PageCursor.First, budget), allowed: true), rounds);
            var text = ((ModelContextProtocol.Protocol.TextContentBlock)ToolResults.Page(marked, PageCursor.First, budget).Content[0]).Text;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"untrusted\":\"100 profiles x 30 properties\",\"hidden_characters\":{(hidden ? "true" : "false")},\"result_chars\":{text.Length},\"rounds\":{rounds},\"p50_ms_unmarked\":{without:0.000},\"p50_ms_marked\":{withMarks:0.000},\"added_ms\":{withMarks - without:0.000}}}"));
        }

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

    private static JsonApiDocument Page(string type, bool hidden)
    {
        var data = new JsonArray();
        for (var i = 0; i < 100; i++)
        {
            var properties = new JsonObject();
            for (var p = 0; p < 30; p++)
            {
                properties[$"property_{p}"] = hidden && p % 10 == 0 ? $"value {i}-{p}\u200B with a hidden mark" : $"value {i}-{p}: Zoë, 東京, 👍🏽";
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
