using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Authoring;

/// <summary>Checks and builds the parts of campaign requests: send strategy, message definition, options.</summary>
internal static class CampaignArguments
{
    public static readonly string[] Channels = ["email", "sms"];
    public static readonly string[] Methods = ["immediate", "static", "throttled", "smart_send_time"];
    public static readonly int[] ThrottlePercentages = [1, 2, 5, 10, 11, 13, 14, 17, 20, 25, 33, 50];

    private static readonly Dictionary<string, string[]> s_members = new()
    {
        ["immediate"] = ["method"],
        ["static"] = ["method", "datetime", "is_local", "send_past_recipients_immediately"],
        ["throttled"] = ["method", "datetime", "throttle_percentage"],
        ["smart_send_time"] = ["method", "date"],
    };

    /// <summary>Klaviyo's <c>send_strategy</c> from the tool's; null when not given or invalid (errors say why).</summary>
    public static JsonObject? SendStrategy(JsonElement? given, DateTimeOffset now, ArgumentErrors errors)
    {
        if (given is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } strategy)
        {
            return null;
        }

        const string path = "send_strategy";
        if (strategy.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "must be an object such as { \"method\": \"static\", \"datetime\": \"2026-08-01T15:00:00Z\" }");
            return null;
        }

        var method = strategy.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (method is null || !s_members.TryGetValue(method, out var allowed))
        {
            errors.Add(path + ".method", $"must be one of {string.Join(", ", Methods)}");
            return null;
        }

        foreach (var member in strategy.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            errors.Add($"{path}.{member.Name}", $"is not a member of the {method} send strategy (its members: {string.Join(", ", allowed)})");
        }

        var result = new JsonObject { ["method"] = method };
        switch (method)
        {
            case "static":
                result["datetime"] = Future(strategy, path, now, errors);
                var isLocal = Bool(strategy, "is_local", path, errors);
                var past = Bool(strategy, "send_past_recipients_immediately", path, errors);
                if (past is not null && isLocal != true)
                {
                    errors.Add(path + ".send_past_recipients_immediately", "is only allowed with is_local: true");
                }

                if (isLocal is { } local)
                {
                    var options = new JsonObject { ["is_local"] = local };
                    if (past is { } p)
                    {
                        options["send_past_recipients_immediately"] = p;
                    }

                    result["options"] = options;
                }

                break;
            case "throttled":
                result["datetime"] = Future(strategy, path, now, errors);
                if (!strategy.TryGetProperty("throttle_percentage", out var percentage) || !percentage.TryGetInt32(out var percent))
                {
                    errors.Add(path + ".throttle_percentage", $"is required: the share of recipients sent each hour, one of {string.Join(", ", ThrottlePercentages)}");
                }
                else if (!ThrottlePercentages.Contains(percent))
                {
                    errors.Add(path + ".throttle_percentage", $"{percent} is not one Klaviyo allows: {string.Join(", ", ThrottlePercentages)}");
                }
                else
                {
                    result["throttle_percentage"] = percent;
                }

                break;
            case "smart_send_time":
                var date = strategy.TryGetProperty("date", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                if (date is null || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    errors.Add(path + ".date", "is required: the day to send, YYYY-MM-DD");
                }
                else if (day < DateOnly.FromDateTime(now.UtcDateTime.AddDays(-1)))
                {
                    errors.Add(path + ".date", $"{date} is in the past");
                }
                else
                {
                    result["date"] = date;
                }

                break;
        }

        return result;
    }

    /// <summary>A message definition, or null when none of its arguments is given (<paramref name="channel"/> known).</summary>
    public static JsonObject? Definition(string channel, string? label, IReadOnlyList<(string Name, string? Value)> email, string? smsBody, ArgumentErrors errors, bool always)
    {
        if (channel == "sms")
        {
            foreach (var (name, _) in email.Where(e => e.Value is not null))
            {
                errors.Add(name, "is for email campaigns; an sms campaign has only sms_body");
            }

            TextRules.NotBlank("sms_body", smsBody, errors);
            return smsBody is null && !always ? null : new JsonObject
            {
                ["channel"] = "sms",
                ["content"] = smsBody is null ? null : new JsonObject { ["body"] = smsBody },
            }.WithoutNulls();
        }

        if (smsBody is not null)
        {
            errors.Add("sms_body", "is for sms campaigns; an email campaign has subject, preview_text, from_email, from_label and reply_to_email");
        }

        var content = new JsonObject();
        foreach (var (name, value) in email)
        {
            TextRules.NotBlank(name, value, errors);
            if (value is null)
            {
                continue;
            }

            if (name is "from_email" or "reply_to_email" && !IdentifierRules.IsEmail(value.Trim()))
            {
                errors.Add(name, $"{IdentifierRules.Quote(value)} is not an email address");
            }

            content[name] = name is "from_email" or "reply_to_email" ? value.Trim() : value;
        }

        if (content.Count == 0 && !always)
        {
            return null;
        }

        var definition = new JsonObject { ["channel"] = "email" };
        if (label is not null)
        {
            definition["label"] = label;
        }

        if (content.Count > 0)
        {
            definition["content"] = content;
        }

        return definition;
    }

    /// <summary><c>tracking_options</c> for email (opens, clicks and UTM parameters together); sms has no open or click tracking.</summary>
    public static JsonObject? Tracking(bool? tracking, string? channel, ArgumentErrors errors)
    {
        if (tracking is not { } on)
        {
            return null;
        }

        if (channel == "sms")
        {
            errors.Add("tracking", "is for email campaigns: Klaviyo tracks opens and clicks of email only");
            return null;
        }

        return new JsonObject { ["add_tracking_params"] = on, ["is_tracking_clicks"] = on, ["is_tracking_opens"] = on };
    }

    private static string? Future(JsonElement strategy, string path, DateTimeOffset now, ArgumentErrors errors)
    {
        var text = strategy.TryGetProperty("datetime", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (text is null || !IsoTimestamp.TryParse(text, out var at) || !IsoTimestamp.HasOffset(text))
        {
            errors.Add(path + ".datetime", "is required: when to send, ISO 8601 with a time zone, e.g. 2026-08-01T15:00:00Z");
            return null;
        }

        if (at <= now)
        {
            errors.Add(path + ".datetime", $"{text} is in the past; give a future time, or method immediate");
            return null;
        }

        return at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss+00:00", CultureInfo.InvariantCulture);
    }

    private static bool? Bool(JsonElement strategy, string name, string path, ArgumentErrors errors)
    {
        if (!strategy.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        errors.Add($"{path}.{name}", "must be true or false");
        return null;
    }

    private static JsonObject WithoutNulls(this JsonObject value)
    {
        foreach (var name in value.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            value.Remove(name);
        }

        return value;
    }
}
