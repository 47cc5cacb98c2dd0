namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Where each event field comes from in an import file. Unset columns fall back to common names (matched ignoring
/// case), so a file with columns email,metric,time,value,... imports with no mapping at all.
/// </summary>
public sealed record EventImportMapping
{
    public static readonly string[] MetricDefaults = ["metric", "metric_name", "event", "event_name"];
    public static readonly string[] EmailDefaults = ["email", "email_address"];
    public static readonly string[] PhoneDefaults = ["phone_number", "phone"];
    public static readonly string[] ExternalIdDefaults = ["external_id"];
    public static readonly string[] TimeDefaults = ["time", "timestamp", "datetime", "date"];
    public static readonly string[] ValueDefaults = ["value"];
    public static readonly string[] CurrencyDefaults = ["value_currency", "currency"];
    public static readonly string[] UniqueIdDefaults = ["unique_id", "event_id"];

    public string? MetricColumn { get; init; }

    public string? MetricName { get; init; }

    public string? EmailColumn { get; init; }

    public string? PhoneNumberColumn { get; init; }

    public string? ExternalIdColumn { get; init; }

    public string? TimeColumn { get; init; }

    public string? ValueColumn { get; init; }

    public string? ValueCurrencyColumn { get; init; }

    public string? UniqueIdColumn { get; init; }

    public IReadOnlyList<string>? PropertyColumns { get; init; }

    /// <summary>Identifies the mapping in a checkpoint: a resumed import must map rows the same way.</summary>
    public string Fingerprint() => string.Join('|',
        MetricColumn, MetricName, EmailColumn, PhoneNumberColumn, ExternalIdColumn, TimeColumn, ValueColumn, ValueCurrencyColumn, UniqueIdColumn,
        PropertyColumns is null ? "*" : string.Join(',', PropertyColumns));
}
