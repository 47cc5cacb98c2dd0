using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>
/// Checks one event's arguments against Klaviyo's rules and turns them into the resource to send, stamping a
/// <c>unique_id</c> and a <c>time</c> where none was given so that a retried request carries the same event.
/// Every tool that takes events uses this one validator.
/// </summary>
public sealed class EventArgumentsValidator(TimeProvider time)
{
    public const int MaxMetricNameLength = 127;

    /// <summary>Earliest event time Klaviyo accepts.</summary>
    public static readonly DateTimeOffset EarliestTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Validates <paramref name="arguments"/>; returns the event to send, or null after recording every violation under
    /// <paramref name="path"/>. Without a unique_id the event gets <paramref name="defaultUniqueId"/>, or a random one.
    /// </summary>
    public PreparedEvent? Prepare(CreateEventArguments? arguments, string path, ArgumentErrors errors, string? defaultUniqueId = null)
    {
        if (arguments is null)
        {
            errors.Add(path.Length == 0 ? "arguments" : path, "is required: give metric and profile");
            return null;
        }

        var before = errors.Violations.Count;
        var now = time.GetUtcNow();

        var metricName = CheckMetric(arguments.Metric, ArgumentErrors.Join(path, "metric"), errors);
        var identifiers = CheckProfile(arguments.Profile, ArgumentErrors.Join(path, "profile"), errors);
        var eventTime = CheckTime(arguments.Time, ArgumentErrors.Join(path, "time"), now, errors);

        if (arguments.Value is { } value && !double.IsFinite(value))
        {
            errors.Add(ArgumentErrors.Join(path, "value"), "must be a finite number");
        }

        if (arguments.ValueCurrency is { } currency && !IdentifierRules.IsCurrencyCode(currency))
        {
            errors.Add(ArgumentErrors.Join(path, "value_currency"), $"{IdentifierRules.Quote(currency)} is not an ISO 4217 currency code (three letters, e.g. \"USD\")");
        }

        if (arguments.UniqueId is { } uniqueId && string.IsNullOrWhiteSpace(uniqueId))
        {
            errors.Add(ArgumentErrors.Join(path, "unique_id"), "must not be empty; leave it out to have one generated");
        }

        if (arguments.Properties is { } properties)
        {
            PropertyLimits.Check(properties, ArgumentErrors.Join(path, "properties"), errors);
        }

        if (errors.Violations.Count > before)
        {
            return null;
        }

        var profile = arguments.Profile!;
        var resource = new EventResource(new EventAttributes
        {
            Properties = arguments.Properties ?? [],
            Time = eventTime ?? TruncateToSecond(now),
            Value = arguments.Value,
            ValueCurrency = arguments.ValueCurrency?.ToUpperInvariant(),
            UniqueId = arguments.UniqueId ?? defaultUniqueId ?? Guid.NewGuid().ToString(),
            Metric = new JsonApiData<MetricResource>(new MetricResource(new MetricAttributes(metricName!, arguments.Metric!.Service))),
            Profile = new JsonApiData<EventProfileResource>(new EventProfileResource(profile.ToProfile().ToAttributes()) { Id = profile.Id }),
        });

        return new PreparedEvent(resource, identifiers, UniqueIdGenerated: arguments.UniqueId is null, TimeGenerated: eventTime is null);
    }

    private static string? CheckMetric(EventMetricArgument? metric, string path, ArgumentErrors errors)
    {
        if (metric is null)
        {
            errors.Add(path, "is required: give { \"name\": \"Placed Order\" }");
            return null;
        }

        var namePath = ArgumentErrors.Join(path, "name");
        if (string.IsNullOrWhiteSpace(metric.Name))
        {
            errors.Add(namePath, "is required and must not be blank");
            return null;
        }

        var length = metric.Name.EnumerateRunes().Count();
        if (length > MaxMetricNameLength)
        {
            errors.Add(namePath, $"is {length} characters long; Klaviyo accepts at most {MaxMetricNameLength}");
        }

        if (metric.Service is { } service && string.IsNullOrWhiteSpace(service))
        {
            errors.Add(ArgumentErrors.Join(path, "service"), "must not be blank; leave it out to use Klaviyo's default");
        }

        return metric.Name;
    }

    private static Dictionary<string, string> CheckProfile(EventProfileArgument? profile, string path, ArgumentErrors errors)
    {
        if (profile is null)
        {
            errors.Add(path, "is required: give at least one of id, email, phone_number, external_id, anonymous_id");
            return [];
        }

        return profile.ToProfile().Check(path, EventProfileArgument.Identifiers, requireIdentifier: true, errors);
    }

    private static DateTimeOffset? CheckTime(string? value, string path, DateTimeOffset now, ArgumentErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        if (!IsoTimestamp.TryParse(value, out var parsed))
        {
            errors.Add(path, $"{IdentifierRules.Quote(value)} is not an ISO 8601 timestamp (e.g. \"2026-07-20T14:03:00Z\")");
            return null;
        }

        var latest = now.AddYears(1);
        if (parsed < EarliestTime)
        {
            errors.Add(path, $"{IdentifierRules.Quote(value)} is before 2000-01-01; Klaviyo accepts event times from 2000-01-01 to one year from now");
        }
        else if (parsed > latest)
        {
            errors.Add(path, $"{IdentifierRules.Quote(value)} is more than one year from now (after {latest:yyyy-MM-ddTHH:mm:ssZ}); Klaviyo accepts event times from 2000-01-01 to one year from now");
        }

        // Klaviyo truncates to the second; sending it truncated keeps a retry byte-identical to what Klaviyo stored.
        return TruncateToSecond(parsed);
    }

    /// <summary>A unique_id derived from content: the same content always gives the same id, so sending it again cannot count twice.</summary>
    public static string ContentId(string prefix, ReadOnlySpan<byte> content) =>
        prefix + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)[..16]);

    private static DateTimeOffset TruncateToSecond(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
