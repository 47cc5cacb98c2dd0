using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
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

    internal static readonly KlaviyoOperation BulkCreateEventsOperation = new(
        "bulk_create_events",
        "events:write",
        new ArgumentPointerMap(("/data/attributes/events-bulk-create/data/", "job entries ")));

    internal static readonly KlaviyoOperation CreateEventOperation = new(
        "create_event",
        "events:write",
        new ArgumentPointerMap(
            ("/data/attributes/profile/data/attributes/", "profile."),
            ("/data/attributes/profile/data/", "profile."),
            ("/data/attributes/metric/data/attributes/", "metric."),
            ("/data/attributes/metric/data/", "metric."),
            ("/data/attributes/", "")));

    [McpServerTool(
        Name = "create_event",
        Title = "Create event",
        Destructive = false,
        UseStructuredContent = true,
        OutputSchemaType = typeof(CreateEventResult))]
    [Description(
        "Record one thing a person did (an event such as \"Placed Order\" or \"Viewed Product\") in Klaviyo, on their profile; " +
        "Klaviyo creates the profile or the metric if they do not exist yet, and events can trigger flows. " +
        "Give a metric name and at least one profile identifier (id, email, phone_number, external_id or anonymous_id). " +
        "Limits: metric name at most 127 characters; properties at most 300 keys, strings up to 100 KB, arrays up to 4000 items, 10 levels of nesting, 5 MB in all; " +
        "time between 2000-01-01 and one year from now. " +
        "Klaviyo keeps only the first event per profile, metric and unique_id: when unique_id is not given one is generated and returned, " +
        "so repeating a call with that unique_id never records the event twice. " +
        "Klaviyo processes events asynchronously, so a new event can take a minute to show. Needs the events:write scope.")]
    public async Task<CallToolResult> CreateEvent(
        [Description("The metric (kind of activity): { \"name\": \"Placed Order\" }. The name is required, 1 to 127 characters.")]
        EventMetricArgument metric,
        [Description("The person: at least one of id, email, phone_number (E.164, e.g. \"+15005550006\"), external_id, anonymous_id; optionally names, location and custom properties to set on the profile.")]
        EventProfileArgument profile,
        [Description("Event properties, a JSON object, e.g. { \"OrderId\": \"4711\", \"Items\": [\"Book\"] }. Top-level scalar values can be used in segments; put large non-segmentable data under \"$extra\".")]
        Dictionary<string, JsonElement>? properties = null,
        [Description("When it happened, ISO 8601, e.g. \"2026-07-20T14:03:00Z\" (no offset means UTC). Default: now. Between 2000-01-01 and one year from now.")]
        string? time = null,
        [Description("Monetary value of the event, e.g. an order total. Leave out for events without revenue (it is not sent as 0).")]
        double? value = null,
        [Description("ISO 4217 currency of value, three letters, e.g. \"USD\".")]
        string? value_currency = null,
        [Description("Your key for this event (e.g. \"order-4711\"). Klaviyo records only the first event per profile, metric and unique_id. Default: a generated id, returned in the result.")]
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

        try
        {
            await klaviyo.CreateEventAsync(prepared!.Resource, cancellationToken).ConfigureAwait(false);
        }
        catch (KlaviyoException failure)
        {
            throw new KlaviyoToolException(CreateEventOperation, failure);
        }

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
            KlaviyoMcpJsonContext.Default.CreateEventResult);
    }

    [McpServerTool(
        Name = "bulk_create_events",
        Title = "Create events in bulk",
        Destructive = false)]
    [Description(
        "Record many events at once (a backfill, a batch of orders): each item has create_event's arguments (metric, profile, properties, time, value, value_currency, unique_id) and the same rules. " +
        "By default, if any item is invalid nothing is sent and every invalid item is listed by index; with skip_invalid the valid ones are sent and the invalid ones reported. " +
        "Events are grouped by profile and packed into jobs of at most 1000 events and 5 MB, sent within Klaviyo's 10/s and 150/min limit. " +
        "Every event gets a unique_id; where none is given it is derived from the item's content, so repeating the same call never records an event twice, " +
        "and two identical items (or two with the same unique_id, profile and metric) are refused as duplicates. For thousands of rows in a file, use import_events. Needs events:write.")]
    public async Task<CallToolResult> BulkCreateEvents(
        [Description("The events: [{ \"metric\": { \"name\": \"Placed Order\" }, \"profile\": { \"email\": \"...\" }, \"properties\": {...}, \"time\": \"...\", \"value\": 9.99, \"unique_id\": \"...\" }].")]
        CreateEventArguments[] events,
        [Description("True to send the valid events even if some are invalid (the invalid ones are reported). Default false: nothing is sent if any is invalid.")]
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
            var contentId = EventArgumentsValidator.ContentId("bulk_", JsonSerializer.SerializeToUtf8Bytes(events[i], KlaviyoMcpJsonContext.Default.CreateEventArguments));
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
            await KlaviyoCall.RunAsync(BulkCreateEventsOperation, () => klaviyo.BulkCreateEventsAsync(job, cancellationToken), progress).ConfigureAwait(false);
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
            KlaviyoMcpJsonContext.Default.BulkCreateEventsResult);
    }

    [McpServerTool(
        Name = "import_events",
        Title = "Import events from a file",
        Destructive = false,
        Idempotent = true)]
    [Description(
        "Import events from a local .csv, .jsonl (one JSON object a line) or .json (array of objects) file: a backfill or migration of thousands or millions of rows. " +
        "Each row becomes an event with create_event's rules. By default columns named metric, email, phone_number, external_id, time, value, value_currency and unique_id are used " +
        "(also event, phone, timestamp, currency, event_id) and every other column becomes an event property; the *_column arguments, metric_name and property_columns change that. " +
        "Invalid rows are reported by line number and do not stop the others. Rows without a unique_id get one derived from their content, so importing the same file again never counts a row twice. " +
        "Progress is checkpointed after every job Klaviyo acknowledges: if the import stops (cancelled, failed, crashed), call it again with the same path to resume. " +
        "Use dry_run first to check the file without sending. Sent in jobs of up to 1000 events within Klaviyo's 10/s and 150/min limit (about 150,000 events a minute). " +
        "Only files inside KLAVIYO_IMPORT_ROOTS (default: the working directory and the home folder) are read. Needs events:write.")]
    public async Task<CallToolResult> ImportEvents(
        [Description("Path of the .csv, .jsonl or .json file.")] string path,
        [Description("Column holding the metric name. Default: metric, metric_name, event or event_name.")] string? metric_column = null,
        [Description("One metric name for every row, instead of metric_column, e.g. \"Placed Order\".")] string? metric_name = null,
        [Description("Column holding the email. Default: email or email_address.")] string? email_column = null,
        [Description("Column holding the phone number (E.164). Default: phone_number or phone.")] string? phone_number_column = null,
        [Description("Column holding the external id. Default: external_id.")] string? external_id_column = null,
        [Description("Column holding the event time (ISO 8601, or Unix seconds or milliseconds). Default: time, timestamp, datetime or date; rows without one get the import time.")] string? time_column = null,
        [Description("Column holding the monetary value. Default: value.")] string? value_column = null,
        [Description("Column holding the ISO 4217 currency. Default: value_currency or currency.")] string? value_currency_column = null,
        [Description("Column holding a unique id per event. Default: unique_id or event_id; rows without one get an id derived from their content.")] string? unique_id_column = null,
        [Description("The columns that become event properties. Default: every column not used above.")] string[]? property_columns = null,
        [Description("True to read and validate the whole file and report, sending nothing.")] bool? dry_run = null,
        [Description("True to ignore a checkpoint from an earlier run and read the file from the start.")] bool? restart = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
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
        var mapping = new ImportMapping
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

        var result = await importer.RunAsync(path, mapping, dry_run == true, restart == true, progress, cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(result, KlaviyoMcpJsonContext.Default.ImportResult);
    }

    private static readonly string[] s_eventSorts = ["datetime", "-datetime", "timestamp", "-timestamp"];

    [McpServerTool(Name = "get_events", Title = "Find events", ReadOnly = true)]
    [Description(
        "List events (what people did), newest or oldest first, filtered by metric (id or name), profile and time. Each item is { id, datetime, event_properties, metric: { id, name } }. " +
        "To count events over time use query_metric_aggregates instead. Up to 200 per page (default 50). Rate limit 350/s, 3500/min. Needs events:read.")]
    public async Task<CallToolResult> GetEvents(
        [Description("Only events of this metric id.")] string? metric_id = null,
        [Description("Only events of the metric with this name (exact, ignoring case), instead of metric_id.")] string? metric_name = null,
        [Description("Only events of this profile id.")] string? profile_id = null,
        [Description("Only events at or after this time (ISO 8601).")] string? since = null,
        [Description("Only events before this time (ISO 8601).")] string? until = null,
        [Description("\"-datetime\" (newest first, default), \"datetime\", \"timestamp\" or \"-timestamp\".")] string? sort = null,
        [Description("Events per page, 1 to 200. Default 50.")] int? page_size = null,
        [Description("next_cursor from the previous result, to get the next page.")] string? cursor = null,
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
        var page = await KlaviyoCall.RunAsync(KlaviyoOperation.Read("get_events", "events:read"), () => klaviyo.GetEventsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [McpServerTool(Name = "get_event", Title = "Get event", ReadOnly = true)]
    [Description("Get one event by id, with its metric's name and its profile's identifiers (email, phone_number, external_id, names). Rate limit 10/s, 150/min. Needs events:read.")]
    public async Task<CallToolResult> GetEvent(
        [Description("The event's id.")] string id,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();

        var query = new KlaviyoQuery()
            .Include(["metric", "profile"])
            .Fields("metric", ["name"])
            .Fields("profile", ["email", "phone_number", "external_id", "first_name", "last_name"]);
        var document = await KlaviyoCall.RunAsync(KlaviyoOperation.Read("get_event", "events:read"), () => klaviyo.GetEventAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }
}
