using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Mcp.Tools.Metrics;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Events area: recording what people do.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class EventTools(KlaviyoClient klaviyo, EventArgumentsValidator validator, EventImporter importer, MetricResolver metrics, ResultBudget budget)
{
    /// <summary>Invalid items listed in full in a result; the rest are counted.</summary>
    public const int MaxInvalidListed = 100;

    internal static readonly ToolCallDescriptor BulkCreateEventsOperation = new(
        "bulk_create_events",
        "bulk_create_events",
        new ArgumentPointerMap(("/data/attributes/events-bulk-create/data/", "job entries ")));

    internal static readonly ToolCallDescriptor CreateEventOperation = new(
        "create_event",
        "create_event",
        new ArgumentPointerMap(
            ("/data/attributes/profile/data/attributes/", "profile."),
            ("/data/attributes/profile/data/", "profile."),
            ("/data/attributes/metric/data/attributes/", "metric."),
            ("/data/attributes/metric/data/", "metric."),
            ("/data/attributes/", "")));

    [ToolOperation("create_event")]
    [McpServerTool(
        Name = "create_event",
        Title = "Create event",
        Destructive = false)]
    [Description(
        "Record one event (something a person did, e.g. Placed Order) on a profile, creating the profile and metric if new; may trigger flows. " +
        "Klaviyo keeps the first event per profile, metric and unique_id; one is generated and returned when not given. Events show after about a minute.")]
    public async Task<CallToolResult> CreateEvent(
        [Description("The metric (kind of activity).")]
        EventMetricArgument metric,
        [Description("At least one of id, email, phone_number, external_id, anonymous_id; the rest is set on the profile.")]
        EventProfileArgument profile,
        [Description("JSON object: at most 300 keys, 10 levels deep; bulky data not used in segments under $extra.")]
        Dictionary<string, JsonElement>? properties = null,
        [Description("ISO 8601 (no offset: UTC), 2000-01-01 to a year ahead. Default: now.")]
        string? time = null,
        [Description("Monetary value; leave out when none.")]
        double? value = null,
        [Description("ISO 4217, e.g. USD.")]
        string? value_currency = null,
        [Description("Your dedup key, e.g. order-4711. Default: generated.")]
        string? unique_id = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var prepared = validator.Prepare(
            new CreateEventArguments
            {
                Metric = metric,
                Profile = profile,
                Properties = properties,
                Time = time,
                Value = value,
                ValueCurrency = value_currency,
                UniqueId = unique_id,
            },
            path: "",
            errors);
        errors.ThrowIfAny();

        var resource = prepared!.Resource;
        await KlaviyoCalls.RunAsync(CreateEventOperation, () => klaviyo.CreateEventAsync(resource, cancellationToken)).ConfigureAwait(false);

        return ToolResults.Success(
            new CreateEventResult
            {
                Status = "accepted",
                Metric = prepared.MetricName,
                Profile = prepared.ProfileIdentifiers,
                UniqueId = prepared.UniqueId,
                UniqueIdGenerated = prepared.UniqueIdGenerated,
                Time = prepared.Time.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                TimeGenerated = prepared.TimeGenerated,
                Value = value,
                ValueCurrency = prepared.Resource.Attributes.ValueCurrency,
            },
            ToolJsonContext.Default.CreateEventResult);
    }

    [ToolOperation("bulk_create_events")]
    [McpServerTool(
        Name = "bulk_create_events",
        Title = "Create events in bulk",
        Destructive = false)]
    [Description(
        "Record many events, each item like create_event arguments. If any is invalid nothing is sent (unless skip_invalid) " +
        "and each is listed by index. Repeating a call never counts an event twice. Files: import_events.")]
    public async Task<CallToolResult> BulkCreateEvents(
        [Description("The events, each like create_event arguments.")]
        CreateEventArguments[] events,
        [Description("True to send the valid events anyway.")]
        bool? skip_invalid = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        if (events is not { Length: > 0 })
        {
            errors.Add("events", "must list at least one event");
            errors.ThrowIfAny();
        }

        var prepared = new PreparedEvent?[events.Length];
        var invalid = new Dictionary<int, List<string>>();
        var seen = new Dictionary<(string, string, string), int>();
        for (var i = 0; i < events.Length; i++)
        {
            var path = $"events[{i}]";
            var itemErrors = new ArgumentErrors();
            var contentId = EventArgumentsValidator.ContentId("bulk_", JsonSerializer.SerializeToUtf8Bytes(events[i], ToolJsonContext.Default.CreateEventArguments));
            prepared[i] = validator.Prepare(events[i], path, itemErrors, contentId);
            if (prepared[i] is { } item)
            {
                if (seen.TryGetValue(item.DuplicateKey, out var first))
                {
                    itemErrors.Add(path + ".unique_id", $"repeats the unique_id of events[{first}] for the same profile and metric; Klaviyo would fail the whole job");
                    prepared[i] = null;
                }
                else
                {
                    seen[item.DuplicateKey] = i;
                }
            }

            if (itemErrors.Any)
            {
                invalid[i] = [.. itemErrors.Violations.Select(v => v.ToString())];
                foreach (var violation in itemErrors.Violations)
                {
                    errors.Add(violation.Path, violation.Rule);
                }
            }
        }

        if (errors.Any && skip_invalid != true)
        {
            var listed = errors.Violations.Take(MaxInvalidListed * 3).ToList();
            if (listed.Count < errors.Violations.Count)
            {
                listed.Add(new ArgumentViolation("events", $"…and {errors.Violations.Count - listed.Count} more violations; {invalid.Count} of {events.Length} items are invalid"));
            }

            throw new ToolArgumentException(listed);
        }

        var jobs = 0;
        var accepted = 0;
        var builder = new BulkJobBuilder();
        var firstInJob = 0;
        async Task SendAsync(int nextIndex)
        {
            var job = builder.Writer;
            var progress = jobs == 0 ? null : $"{jobs} jobs ({accepted} events, events[0] to events[{firstInJob - 1}]) had been accepted before this failure; repeating the same call is safe, since their unique_ids are the same.";
            await KlaviyoCalls.RunAsync(BulkCreateEventsOperation, () => klaviyo.BulkCreateEventsAsync(job, cancellationToken), progress).ConfigureAwait(false);
            jobs++;
            accepted += builder.Count;
            builder = new BulkJobBuilder();
            firstInJob = nextIndex;
        }

        for (var i = 0; i < prepared.Length; i++)
        {
            if (prepared[i] is not { } item)
            {
                continue;
            }

            var added = builder.TryAdd(item, i);
            if (added.Outcome == BulkAddOutcome.Full)
            {
                await SendAsync(i).ConfigureAwait(false);
                added = builder.TryAdd(item, i);
            }

            if (added.Outcome == BulkAddOutcome.TooLarge)
            {
                throw new ToolArgumentException($"events[{i}]", $"is {added.Bytes:N0} bytes as a bulk job on its own; Klaviyo accepts at most 5 MB per job");
            }
        }

        if (builder.Count > 0)
        {
            await SendAsync(prepared.Length).ConfigureAwait(false);
        }

        return ToolResults.Success(
            new BulkCreateEventsResult
            {
                JobsSubmitted = jobs,
                EventsAccepted = accepted,
                InvalidCount = invalid.Count,
                Invalid = invalid.Count == 0 ? null : [.. invalid.OrderBy(p => p.Key).Take(MaxInvalidListed).Select(p => new InvalidItem { Index = p.Key, Errors = p.Value })],
            },
            ToolJsonContext.Default.BulkCreateEventsResult);
    }

    [ToolOperation("bulk_create_events")]
    [McpServerTool(
        Name = "import_events",
        Title = "Import events from a file",
        Destructive = false,
        Idempotent = true)]
    [Description(
        "Import events from a .csv, .jsonl or .json file (millions of rows). Columns: metric, email, phone_number, external_id, " +
        "time, value, value_currency, unique_id; others become properties. Bad rows are reported by line. Resumable. Try dry_run first.")]
    public async Task<CallToolResult> ImportEvents(
        RequestContext<CallToolRequestParams> request,
        [Description("File path.")] string path,
        [Description("Metric name column.")] string? metric_column = null,
        [Description("One metric name for every row, instead of metric_column.")] string? metric_name = null,
        [Description("Email column.")] string? email_column = null,
        [Description("Phone number column (E.164).")] string? phone_number_column = null,
        [Description("External id column.")] string? external_id_column = null,
        [Description("Column with ISO 8601 or Unix (s or ms) time. Default: import time.")] string? time_column = null,
        [Description("Monetary value column.")] string? value_column = null,
        [Description("ISO 4217 currency column.")] string? value_currency_column = null,
        [Description("Column with a unique id. Default: derived from the row.")] string? unique_id_column = null,
        [Description("Columns that become properties. Default: all others.")] string[]? property_columns = null,
        [Description("True to validate only, sending nothing.")] bool? dry_run = null,
        [Description("True to start over, ignoring the checkpoint.")] bool? restart = null,
        CancellationToken cancellationToken = default)
    {
        await using var progress = ToolProgress.For(request);
        var errors = new ArgumentErrors();
        if (metric_column is not null && metric_name is not null)
        {
            errors.Add("metric_column", "give metric_column or metric_name, not both");
        }

        foreach (var (argument, value) in new[]
                 {
                     ("metric_column", metric_column), ("metric_name", metric_name), ("email_column", email_column), ("phone_number_column", phone_number_column),
                     ("external_id_column", external_id_column), ("time_column", time_column), ("value_column", value_column),
                     ("value_currency_column", value_currency_column), ("unique_id_column", unique_id_column),
                 })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                errors.Add(argument, "must not be blank; leave it out to use the default");
            }
        }

        errors.ThrowIfAny();
        var mapping = new EventImportMapping
        {
            MetricColumn = metric_column,
            MetricName = metric_name,
            EmailColumn = email_column,
            PhoneNumberColumn = phone_number_column,
            ExternalIdColumn = external_id_column,
            TimeColumn = time_column,
            ValueColumn = value_column,
            ValueCurrencyColumn = value_currency_column,
            UniqueIdColumn = unique_id_column,
            PropertyColumns = property_columns,
        };

        var result = await importer.RunAsync(path, mapping, dry_run == true, restart == true, progress.Reporter, cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(result, ToolJsonContext.Default.EventImportResult);
    }

    private static readonly string[] s_eventSorts = ["datetime", "-datetime", "timestamp", "-timestamp"];

    [ToolOperation("get_events")]
    [McpServerTool(Name = "get_events", Title = "Find events", ReadOnly = true)]
    [Description("List events (what people did) by metric, profile and time. Counts over time: query_metric_aggregates.")]
    public async Task<CallToolResult> GetEvents(
        [Description("Metric id.")] string? metric_id = null,
        [Description("Exact name (any case), instead of metric_id.")] string? metric_name = null,
        [Description("Profile id.")] string? profile_id = null,
        [Description("At or after, ISO 8601.")] string? since = null,
        [Description("Before, ISO 8601.")] string? until = null,
        [Description("-datetime (default), datetime, timestamp or -timestamp.")] string? sort = null,
        [Description("1 to 200, default 50.")] int? page_size = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        Lists.ResourceNameResolver.CheckReference("metric_id", metric_id, "metric_name", metric_name, required: false, errors);
        if (profile_id is not null)
        {
            TextRules.Required("profile_id", profile_id, errors);
        }

        var (from, to) = TimeRange.Check("since", since, "until", until, errors);
        sort = ChoiceRules.One("sort", sort, s_eventSorts, errors);

        PageRules.CheckPageSize(page_size, 200, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var metricId = metric_id is null && metric_name is null ? null : (await metrics.ResolveAsync(metric_id, metric_name, "metric_name", cancellationToken).ConfigureAwait(false)).Id;
        var filter = new KlaviyoFilter();
        if (metricId is not null)
        {
            filter.Equal("metric_id", metricId);
        }

        if (profile_id is not null)
        {
            filter.Equal("profile_id", profile_id.Trim());
        }

        if (from is { } f)
        {
            filter.GreaterOrEqual("datetime", f);
        }

        if (to is { } t)
        {
            filter.LessThan("datetime", t);
        }

        var query = new KlaviyoQuery()
            .Filter(filter.ToString())
            .Sort(sort ?? "-datetime")
            .PageSize(page_size ?? 50)
            .Cursor(current.KlaviyoCursor)
            .Include(["metric"])
            .Fields("metric", ["name"]);
        var page = await KlaviyoCalls.RunAsync(ToolCallDescriptor.Read("get_events", "get_events"), () => klaviyo.GetEventsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [ToolOperation("get_event")]
    [McpServerTool(Name = "get_event", Title = "Get event", ReadOnly = true)]
    [Description("One event by id, with its metric name and its profile identifiers.")]
    public async Task<CallToolResult> GetEvent(
        [Description("Event id.")] string id,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();

        var query = new KlaviyoQuery()
            .Include(["metric", "profile"])
            .Fields("metric", ["name"])
            .Fields("profile", ["email", "phone_number", "external_id", "first_name", "last_name"]);
        var document = await KlaviyoCalls.RunAsync(ToolCallDescriptor.Read("get_event", "get_event"), () => klaviyo.GetEventAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }
}
