using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// Property-based: for every write tool, 1000 generated invalid argument sets (one to three rules broken at once, with
/// random junk values) each yield isError with a message that names a field, and Klaviyo receives no request.
/// </summary>
public sealed partial class InvalidArgumentPropertyTests
{
    private const int SetsPerTool = 1000;

    public static readonly TheoryData<string> WriteTools =
    [
        "create_event", "bulk_create_events", "create_profile", "update_profile", "create_or_update_profile", "subscribe_profiles", "unsubscribe_profiles",
        "suppress_profiles", "unsuppress_profiles", "create_list", "update_list", "delete_list", "add_profiles_to_list", "remove_profiles_from_list", "update_flow_status",
    ];

    private static readonly Gen<string> s_junk = Gen.OneOf(
        Gen.Elements("", " ", "bob@", "@x.com", "a b@c.d", "+0", "555-1234", "12345678901234567890", "yesterday", "1999-12-31T23:59:59Z", "2999-01-01", "dollars", "US", "null", "\t"),
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Contains('@') && !s.StartsWith('+')));

    private static readonly Gen<JsonNode?> s_wrongType = Gen.Elements<JsonNode?>(42, true, new JsonArray(1, 2), "text");

    // A breaker sets one argument to a value that breaks a rule; the path is where the error must point.
    private static readonly Dictionary<string, (string Valid, (string Path, Func<string, JsonNode?, JsonNode?> Value)[] Breakers)> s_tools = new()
    {
        ["create_event"] = ("""{"metric":{"name":"Placed Order"},"profile":{"email":"a@klaviyo-demo.com"}}""",
        [
            ("metric.name", (j, _) => j.Length is > 0 and < 128 ? new string('m', 128 + j.Length) : j),
            ("profile.email", (j, _) => j.Contains('@') ? "no-at-sign" : j),
            ("profile.phone_number", (j, _) => j.StartsWith('+') ? "5551234" : j),
            ("time", (j, _) => j.Length == 0 ? "soon" : "not a time: " + j),
            ("value_currency", (j, _) => j.Length == 3 && j.All(char.IsAsciiLetter) ? "EURO" : j),
            ("unique_id", (_, _) => " "),
            ("metric", (_, w) => w),
            ("profile", (_, w) => w),
            ("value", (_, _) => "nine"),
        ]),
        ["bulk_create_events"] = ("""{"events":[{"metric":{"name":"A"},"profile":{"email":"a@klaviyo-demo.com"}}]}""",
        [
            ("events", (_, _) => new JsonArray()),
            ("events", (_, w) => w),
            ("events[0].profile.email", (j, _) => new JsonArray(new JsonObject { ["metric"] = new JsonObject { ["name"] = "A" }, ["profile"] = new JsonObject { ["email"] = j.Contains('@') ? "x" : j } })),
            ("events[0].metric.name", (_, _) => new JsonArray(JsonNode.Parse("""{"metric":{"name":""},"profile":{"email":"a@klaviyo-demo.com"}}"""))),
        ]),
        ["create_profile"] = ("""{"email":"a@klaviyo-demo.com"}""",
        [
            ("email", (j, _) => j.Contains('@') ? "nope" : j),
            ("phone_number", (j, _) => j.StartsWith('+') ? "123" : j),
            ("location", (_, w) => w),
            ("properties", (_, _) => new JsonArray(1)),
            ("email", (_, _) => null),
        ]),
        ["update_profile"] = ("""{"id":"01P","first_name":"Ann"}""",
        [
            ("id", (_, _) => " "),
            ("email", (j, _) => j.Contains('@') ? "nope" : j),
            ("phone_number", (j, _) => j.StartsWith('+') ? "123" : j),
            ("unset_properties", (_, _) => new JsonArray(" ")),
            ("append", (_, w) => w is JsonArray ? w : new JsonArray(1)),
        ]),
        ["create_or_update_profile"] = ("""{"email":"a@klaviyo-demo.com"}""",
        [
            ("email", (j, _) => j.Contains('@') ? "nope" : j),
            ("external_id", (_, _) => " "),
            ("location", (_, _) => JsonNode.Parse("""{"latitude":123}""")),
            ("id", (_, w) => w is JsonArray or JsonValue { } ? new JsonArray() : w),
        ]),
        ["subscribe_profiles"] = ("""{"profiles":[{"email":"a@klaviyo-demo.com"}],"channels":["email"]}""",
        [
            ("channels", (j, _) => new JsonArray(j.Length == 0 ? "fax" : "fax-" + j)),
            ("profiles", (_, _) => new JsonArray()),
            ("profiles[0].email", (j, _) => new JsonArray(new JsonObject { ["email"] = j.Contains('@') ? "x" : j })),
            ("consented_at", (_, _) => "2024-01-01T00:00:00Z"),
            ("list_id", (_, _) => " "),
        ]),
        ["unsubscribe_profiles"] = ("""{"profiles":[{"email":"a@klaviyo-demo.com"}],"channels":["email"]}""",
        [
            ("channels", (_, _) => new JsonArray()),
            ("profiles[0]", (_, _) => new JsonArray(new JsonObject())),
            ("profiles[0].phone_number", (j, _) => new JsonArray(new JsonObject { ["phone_number"] = j.StartsWith('+') ? "1" : "x" + j })),
        ]),
        ["suppress_profiles"] = ("""{"emails":["a@klaviyo-demo.com"]}""",
        [
            ("emails", (_, _) => new JsonArray()),
            ("emails[0]", (j, _) => new JsonArray(j.Contains('@') ? "x" : j)),
            ("emails", (_, w) => w is JsonArray ? "x" : w),
        ]),
        ["unsuppress_profiles"] = ("""{"emails":["a@klaviyo-demo.com"]}""",
        [
            ("emails[0]", (j, _) => new JsonArray(j.Contains('@') ? "x" : j)),
            ("emails", (_, _) => new JsonArray()),
        ]),
        ["create_list"] = ("""{"name":"VIP"}""",
        [
            ("name", (_, _) => " "),
            ("opt_in_process", (j, _) => "x" + j),
            ("name", (_, w) => w is JsonValue v && v.TryGetValue<string>(out string? _) ? 1 : w),
        ]),
        ["update_list"] = ("""{"id":"L1","name":"VIP"}""",
        [
            ("id", (_, _) => ""),
            ("name", (_, _) => "  "),
            ("opt_in_process", (j, _) => "y" + j),
        ]),
        ["delete_list"] = ("""{"id":"L1"}""",
        [
            ("id", (_, _) => " "),
            ("id", (_, w) => w is JsonValue v && v.TryGetValue<string>(out string? _) ? true : w),
        ]),
        ["add_profiles_to_list"] = ("""{"list_id":"L1","profile_ids":["01P"]}""",
        [
            ("profile_ids[0]", (_, _) => new JsonArray(" ")),
            ("emails[0]", (j, _) => new JsonArray(j.Contains('@') ? "x" : j)),
            ("list_id", (_, _) => " "),
            ("create_missing", (_, _) => "yes"),
        ]),
        ["remove_profiles_from_list"] = ("""{"list_id":"L1","profile_ids":["01P"]}""",
        [
            ("profile_ids[0]", (_, _) => new JsonArray("")),
            ("emails[0]", (j, _) => new JsonArray(j.Contains('@') ? "x" : j)),
            ("list_id", (_, w) => w is JsonValue v && v.TryGetValue<string>(out string? _) ? 7 : w),
        ]),
        ["update_flow_status"] = ("""{"id":"F1","status":"manual"}""",
        [
            ("status", (j, _) => j is "draft" or "manual" or "live" ? "on" : j),
            ("id", (_, _) => " "),
            ("status", (_, w) => w),
        ]),
    };

    [Theory]
    [MemberData(nameof(WriteTools))]
    public async Task Invalid_arguments_always_name_a_field_and_send_nothing(string tool)
    {
        var (valid, breakers) = s_tools[tool];
        var one = from breaker in Gen.Elements(breakers)
                  from junk in s_junk
                  from wrong in s_wrongType
                  select (breaker, junk, wrong);
        var sets = (from first in one
                    from both in Gen.Choose(0, 1)
                    from second in one
                    select Build(valid, first, both == 1 ? second : null))
            .Sample(SetsPerTool, 30);
        Assert.Equal(SetsPerTool, sets.Length);

        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, logLevel: Microsoft.Extensions.Logging.LogLevel.Warning);
        foreach (var arguments in sets)
        {
            var result = await mcp.CallAsync(tool, arguments);

            Assert.True(result.IsError == true, $"{tool} accepted {Shorten(arguments)}: {result.Text()}");
            Assert.Matches(FieldLine(), result.Text());
        }

        Assert.Empty(stub.Requests);
    }

    private static string Build(
        string valid,
        ((string Path, Func<string, JsonNode?, JsonNode?> Value) Breaker, string Junk, JsonNode? Wrong) first,
        ((string Path, Func<string, JsonNode?, JsonNode?> Value) Breaker, string Junk, JsonNode? Wrong)? second)
    {
        var arguments = JsonNode.Parse(valid)!.AsObject();
        Apply(arguments, first.Breaker, first.Junk, first.Wrong);
        if (second is { } more)
        {
            Apply(arguments, more.Breaker, more.Junk, more.Wrong);
        }

        return arguments.ToJsonString();
    }

    private static void Apply(JsonObject arguments, (string Path, Func<string, JsonNode?, JsonNode?> Value) breaker, string junk, JsonNode? wrong)
    {
        var name = breaker.Path.Split('.', '[')[0];
        arguments[name] = breaker.Value(junk, wrong?.DeepClone())?.DeepClone() switch
        {
            JsonObject nested when breaker.Path.Contains('.') && !breaker.Path.Contains('[') && arguments[name] is JsonObject => Merge(arguments[name]!.AsObject(), breaker.Path, nested),
            var value when breaker.Path.Contains('.') && !breaker.Path.Contains('[') && arguments[name] is JsonObject existing => Set(existing, breaker.Path.Split('.')[1], value),
            var value => value,
        };
    }

    private static JsonObject Merge(JsonObject target, string path, JsonObject value) => Set(target, path.Split('.')[1], value);

    private static JsonObject Set(JsonObject target, string member, JsonNode? value)
    {
        var copy = target.DeepClone().AsObject();
        copy[member] = value;
        return copy;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    // An error line that names an argument path: "- profile.email: ..." or "- events[0].time: ...".
    [GeneratedRegex(@"\n- [A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?(\.[A-Za-z_$][A-Za-z0-9_$]*(\[[0-9]+\])?)*(\[""[^""]*""\])?: ")]
    private static partial Regex FieldLine();
}
