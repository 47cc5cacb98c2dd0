using System.Text.Json;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Tools.Profiles;
using Klaviyo.Mcp.Validation;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class EventArgumentsValidatorTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 30, 15, 500, TimeSpan.Zero);
    private readonly EventArgumentsValidator _validator = new(new FakeTimeProvider(s_now));

    private static CreateEventArguments Valid => new()
    {
        Metric = new EventMetricArgument { Name = "Placed Order" },
        Profile = new EventProfileArgument { Email = "sarah.mason@klaviyo-demo.com" },
    };

    [Fact]
    public void A_minimal_event_gets_a_unique_id_and_the_current_time_to_the_second()
    {
        var prepared = Prepare(Valid, out var errors);

        Assert.False(errors.Any);
        Assert.True(prepared!.UniqueIdGenerated);
        Assert.True(Guid.TryParse(prepared.UniqueId, out _));
        Assert.True(prepared.TimeGenerated);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 12, 30, 15, TimeSpan.Zero), prepared.Time);
        Assert.Null(prepared.Resource.Attributes.Value);
        Assert.Empty(prepared.Resource.Attributes.Properties);
        Assert.Equal(new Dictionary<string, string> { ["email"] = "sarah.mason@klaviyo-demo.com" }, prepared.ProfileIdentifiers);
    }

    [Fact]
    public void Given_values_are_kept_and_the_currency_upper_cased()
    {
        var prepared = Prepare(Valid with { UniqueId = "order-1", Time = "2026-07-20T16:03:00.750+02:00", Value = 59.9, ValueCurrency = "eur" }, out _);

        Assert.Equal("order-1", prepared!.UniqueId);
        Assert.False(prepared.UniqueIdGenerated);
        Assert.Equal(new DateTimeOffset(2026, 7, 20, 14, 3, 0, TimeSpan.Zero), prepared.Time);
        Assert.False(prepared.TimeGenerated);
        Assert.Equal(59.9, prepared.Resource.Attributes.Value);
        Assert.Equal("EUR", prepared.Resource.Attributes.ValueCurrency);
    }

    [Theory]
    [InlineData("id", "01GDDKASAP8TKDDA2GRZDSVP4H")]
    [InlineData("email", "a@b.co")]
    [InlineData("phone_number", "+15005550006")]
    [InlineData("external_id", "crm-1")]
    [InlineData("anonymous_id", "anon-1")]
    public void Any_one_identifier_is_enough(string field, string value)
    {
        var profile = field switch
        {
            "id" => new EventProfileArgument { Id = value },
            "email" => new EventProfileArgument { Email = value },
            "phone_number" => new EventProfileArgument { PhoneNumber = value },
            "external_id" => new EventProfileArgument { ExternalId = value },
            _ => new EventProfileArgument { AnonymousId = value },
        };

        var prepared = Prepare(Valid with { Profile = profile }, out var errors);

        Assert.False(errors.Any, string.Join("; ", errors.Violations));
        Assert.Equal(value, prepared!.ProfileIdentifiers[field]);
    }

    [Fact]
    public void A_profile_without_identifiers_is_refused()
    {
        AssertViolation(Valid with { Profile = new EventProfileArgument { FirstName = "Sarah" } }, "profile", "needs at least one identifier");
        AssertViolation(Valid with { Profile = null }, "profile", "is required");
        AssertViolation(Valid with { Profile = new EventProfileArgument { Email = "  " } }, "profile.email", "must not be blank");
        AssertViolation(Valid with { Profile = new EventProfileArgument { Id = "" } }, "profile.id", "must not be blank");
    }

    [Theory]
    [InlineData("bob@")]
    [InlineData("bob")]
    [InlineData("@example.com")]
    [InlineData("bob@example")]
    [InlineData("bob smith@example.com")]
    [InlineData("bob@@example.com")]
    [InlineData("bob@example..com")]
    [InlineData("bob@-example.com")]
    public void Malformed_emails_are_refused(string email) =>
        AssertViolation(Valid with { Profile = new EventProfileArgument { Email = email } }, "profile.email", $"\"{email}\" is not an email address");

    [Theory]
    [InlineData("sarah.mason@klaviyo-demo.com")]
    [InlineData("o'brien+tag@mail.example.co.uk")]
    [InlineData("jürgen@müller.de")]
    public void Ordinary_emails_are_accepted(string email) =>
        Assert.NotNull(Prepare(Valid with { Profile = new EventProfileArgument { Email = email } }, out _));

    [Theory]
    [InlineData("5005550006")]
    [InlineData("+1 500 555 0006")]
    [InlineData("+1-500-555-0006")]
    [InlineData("+0123456789")]
    [InlineData("+1234567890123456")]
    [InlineData("+")]
    public void Phone_numbers_must_be_E164(string phone) =>
        AssertViolation(Valid with { Profile = new EventProfileArgument { PhoneNumber = phone } }, "profile.phone_number", "is not in E.164 format");

    [Theory]
    [InlineData("+15005550006")]
    [InlineData("+447911123456")]
    [InlineData("+123456789012345")]
    public void E164_numbers_are_accepted(string phone) =>
        Assert.NotNull(Prepare(Valid with { Profile = new EventProfileArgument { PhoneNumber = phone } }, out _));

    [Fact]
    public void Metric_name_is_required_and_at_most_127_characters()
    {
        Assert.NotNull(Prepare(Valid with { Metric = new EventMetricArgument { Name = new string('m', 127) } }, out _));
        Assert.NotNull(Prepare(Valid with { Metric = new EventMetricArgument { Name = string.Concat(Enumerable.Repeat("😀", 127)) } }, out _));
        AssertViolation(Valid with { Metric = new EventMetricArgument { Name = new string('m', 128) } }, "metric.name", "is 128 characters long; Klaviyo accepts at most 127");
        AssertViolation(Valid with { Metric = new EventMetricArgument { Name = "" } }, "metric.name", "is required");
        AssertViolation(Valid with { Metric = new EventMetricArgument { Name = "   " } }, "metric.name", "is required");
        AssertViolation(Valid with { Metric = null }, "metric", "is required");
        AssertViolation(Valid with { Metric = new EventMetricArgument { Name = "X", Service = " " } }, "metric.service", "must not be blank");
    }

    [Fact]
    public void Time_must_be_from_2000_01_01_to_one_year_ahead()
    {
        Assert.NotNull(Prepare(Valid with { Time = "2000-01-01T00:00:00Z" }, out _));
        AssertViolation(Valid with { Time = "1999-12-31T23:59:59Z" }, "time", "is before 2000-01-01");
        AssertViolation(Valid with { Time = "2000-01-01T00:30:00+01:00" }, "time", "is before 2000-01-01");
        Assert.NotNull(Prepare(Valid with { Time = "1999-12-31T23:59:59-01:00" }, out _));

        var oneYearAhead = s_now.AddYears(1);
        Assert.NotNull(Prepare(Valid with { Time = oneYearAhead.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz") }, out _));
        AssertViolation(Valid with { Time = oneYearAhead.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz") }, "time", "is more than one year from now");
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("07/20/2026")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-07-20T25:00:00Z")]
    [InlineData("")]
    public void Time_must_be_ISO_8601(string time) =>
        AssertViolation(Valid with { Time = time }, "time", "is not an ISO 8601 timestamp");

    [Theory]
    [InlineData("2026-07-20")]
    [InlineData("2026-07-20T14:03")]
    [InlineData("2026-07-20T14:03:00")]
    [InlineData("2026-07-20T14:03:00Z")]
    [InlineData("2026-07-20T14:03:00.123456+05:30")]
    public void ISO_8601_forms_are_accepted(string time) => Assert.NotNull(Prepare(Valid with { Time = time }, out _));

    [Fact]
    public void Value_must_be_finite_and_currency_three_letters()
    {
        AssertViolation(Valid with { Value = double.NaN }, "value", "must be a finite number");
        AssertViolation(Valid with { Value = double.PositiveInfinity }, "value", "must be a finite number");
        AssertViolation(Valid with { ValueCurrency = "US" }, "value_currency", "is not an ISO 4217 currency code");
        AssertViolation(Valid with { ValueCurrency = "US$" }, "value_currency", "is not an ISO 4217 currency code");
        AssertViolation(Valid with { ValueCurrency = "USDX" }, "value_currency", "is not an ISO 4217 currency code");
        Assert.NotNull(Prepare(Valid with { Value = -12.5, ValueCurrency = "USD" }, out _));
        Assert.NotNull(Prepare(Valid with { Value = 0 }, out _));
    }

    [Fact]
    public void A_blank_unique_id_is_refused() =>
        AssertViolation(Valid with { UniqueId = " " }, "unique_id", "must not be empty");

    [Fact]
    public void Properties_may_have_300_keys_but_not_301()
    {
        Assert.NotNull(Prepare(Valid with { Properties = Keys(300) }, out _));
        AssertViolation(Valid with { Properties = Keys(301) }, "properties", "has 301 keys; Klaviyo accepts at most 300");
    }

    [Fact]
    public void Strings_may_be_100_KB_but_not_one_byte_more()
    {
        Assert.NotNull(Prepare(Valid with { Properties = One("s", new string('a', 102_400)) }, out _));
        AssertViolation(Valid with { Properties = One("s", new string('a', 102_401)) }, "properties.s", "is a string of 102,401 bytes");

        // The limit is in UTF-8 bytes: 34,134 three-byte characters are 102,402 bytes.
        AssertViolation(Valid with { Properties = One("s", new string('€', 34_134)) }, "properties.s", "is a string of 102,402 bytes");

        var nested = Json("""{"items":[{"note":"x"}]}""");
        var big = new string('a', 102_401);
        AssertViolation(Valid with { Properties = One("order", Json($$"""{"items":[{"note":"{{big}}"}]}""")) }, "properties.order.items[0].note", "bytes");
        Assert.NotNull(Prepare(Valid with { Properties = One("order", nested) }, out _));
    }

    [Fact]
    public void Arrays_may_have_4000_items_but_not_4001()
    {
        Assert.NotNull(Prepare(Valid with { Properties = One("a", Json("[" + string.Join(',', Enumerable.Repeat("1", 4000)) + "]")) }, out _));
        AssertViolation(Valid with { Properties = One("a", Json("[" + string.Join(',', Enumerable.Repeat("1", 4001)) + "]")) }, "properties.a", "has 4,001 items; Klaviyo accepts at most 4,000");
    }

    [Fact]
    public void Properties_may_nest_10_levels_but_not_11()
    {
        Assert.NotNull(Prepare(Valid with { Properties = One("n", Nested(10)) }, out var ok));
        Assert.False(ok.Any, string.Join("; ", ok.Violations));

        var errors = AssertViolation(Valid with { Properties = One("n", Nested(11)) }, "properties.n.n.n.n.n.n.n.n.n.n.n", "is nested 11 levels deep");
        Assert.Single(errors.Violations);
    }

    [Fact]
    public void Profile_properties_and_location_are_checked_too()
    {
        AssertViolation(Valid with { Profile = new EventProfileArgument { Email = "a@b.co", Properties = Keys(301) } }, "profile.properties", "has 301 keys");
        AssertViolation(Valid with { Profile = new EventProfileArgument { Email = "a@b.co", Location = new ProfileLocationArgument { Latitude = 91 } } }, "profile.location.latitude", "is outside -90 to 90");
        AssertViolation(Valid with { Profile = new EventProfileArgument { Email = "a@b.co", Location = new ProfileLocationArgument { Longitude = -180.5 } } }, "profile.location.longitude", "is outside -180 to 180");
    }

    [Fact]
    public void Keys_that_are_not_identifiers_are_quoted_in_paths() =>
        AssertViolation(Valid with { Properties = One("Order Notes", new string('a', 102_401)) }, "properties[\"Order Notes\"]", "bytes");

    [Fact]
    public void Every_violation_is_reported_at_once_under_the_given_path()
    {
        var errors = new ArgumentErrors();
        var prepared = _validator.Prepare(
            new CreateEventArguments
            {
                Metric = new EventMetricArgument { Name = "" },
                Profile = new EventProfileArgument { Email = "bob@" },
                Time = "soon",
                ValueCurrency = "dollars",
            },
            "events[3]",
            errors);

        Assert.Null(prepared);
        Assert.Equal(["events[3].metric.name", "events[3].profile.email", "events[3].time", "events[3].value_currency"], errors.Violations.Select(v => v.Path));
    }

    private PreparedEvent? Prepare(CreateEventArguments arguments, out ArgumentErrors errors)
    {
        errors = new ArgumentErrors();
        return _validator.Prepare(arguments, "", errors);
    }

    private ArgumentErrors AssertViolation(CreateEventArguments arguments, string path, string rule)
    {
        var prepared = Prepare(arguments, out var errors);
        Assert.Null(prepared);
        Assert.Contains(errors.Violations, v => v.Path == path && v.Rule.Contains(rule, StringComparison.Ordinal));
        return errors;
    }

    private static Dictionary<string, JsonElement> Keys(int count) =>
        Enumerable.Range(0, count).ToDictionary(i => $"k{i}", i => JsonSerializer.SerializeToElement(i));

    private static Dictionary<string, JsonElement> One(string key, string value) => new() { [key] = JsonSerializer.SerializeToElement(value) };

    private static Dictionary<string, JsonElement> One(string key, JsonElement value) => new() { [key] = value };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>An object nested <paramref name="levels"/> levels deep: {"n":{"n":...{"leaf":1}}}, the outermost being level 1.</summary>
    private static JsonElement Nested(int levels) =>
        Json(string.Concat(Enumerable.Repeat("{\"n\":", levels - 1)) + "{\"leaf\":1}" + new string('}', levels - 1));
}
