using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Subscriptions;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Tools.Subscriptions;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Consent: subscribing and unsubscribing profiles, and suppressing them from email.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class SubscriptionTools(KlaviyoClient klaviyo, ResourceNameResolver names, TimeProvider time, ConfirmationGate gate)
{
    public const int SubscribeBatch = 1000;
    public const int UnsubscribeBatch = 100;
    public const int SuppressionBatch = 100;

    private static readonly string[] s_channels = ["email", "sms"];

    private static readonly ArgumentPointerMap s_jobPointers = new(("/data/attributes/profiles/data/", "profiles"), ("/data/relationships/list", "list_id"), ("/data/attributes/", ""));
    private static readonly ArgumentPointerMap s_suppressionPointers = new(("/data/attributes/profiles/data/", "emails"));

    internal static readonly ToolCallDescriptor SubscribeOperation = new("subscribe_profiles", "bulk_subscribe_profiles", s_jobPointers);
    internal static readonly ToolCallDescriptor UnsubscribeOperation = new("unsubscribe_profiles", "bulk_unsubscribe_profiles", s_jobPointers);
    internal static readonly ToolCallDescriptor SuppressOperation = new("suppress_profiles", "bulk_suppress_profiles", s_suppressionPointers);
    internal static readonly ToolCallDescriptor UnsuppressOperation = new("unsuppress_profiles", "bulk_unsuppress_profiles", s_suppressionPointers);

    [ToolOperation("bulk_subscribe_profiles")]
    [McpServerTool(Name = "subscribe_profiles", Title = "Subscribe profiles", Destructive = false)]
    [Description(
        "Subscribe people to email and/or SMS marketing, optionally on a list; creates missing profiles. Past consent: historical_import with consented_at.")]
    public async Task<CallToolResult> SubscribeProfiles(
        [Description("Each with email and/or phone_number (for sms).")] SubscriptionProfileArgument[] profiles,
        [Description("email and/or sms.")] string[] channels,
        [Description("List to subscribe them to.")] string? list_id = null,
        [Description("Exact name (any case), instead of list_id.")] string? list_name = null,
        [Description("True for past consent: no double opt-in, no flows; needs consented_at.")] bool? historical_import = null,
        [Description("When consent was given, ISO 8601, in the past; with historical_import.")] string? consented_at = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var subscribed = CheckProfiles(profiles, channels, errors);
        ResourceNameResolver.CheckReference("list_id", list_id, "list_name", list_name, required: false, errors);
        DateTimeOffset? consentedAt = null;
        if (consented_at is not null)
        {
            if (historical_import != true)
            {
                errors.Add("consented_at", "is only allowed with historical_import: true");
            }
            else if (!IsoTimestamp.TryParse(consented_at, out var parsed))
            {
                errors.Add("consented_at", $"{IdentifierRules.Quote(consented_at)} is not an ISO 8601 timestamp");
            }
            else if (parsed > time.GetUtcNow())
            {
                errors.Add("consented_at", $"{IdentifierRules.Quote(consented_at)} is in the future; consent must have been collected already");
            }
            else
            {
                consentedAt = parsed;
            }
        }
        else if (historical_import == true)
        {
            errors.Add("consented_at", "is required with historical_import: true (when the consent was collected)");
        }

        errors.ThrowIfAny();

        var listId = await names.ListIdAsync(list_id, list_name, cancellationToken).ConfigureAwait(false);
        var consent = new MarketingConsent(MarketingConsent.Subscribed, consentedAt);
        var jobs = await SendJobsAsync(
            subscribed, SubscribeBatch, SubscribeOperation,
            batch => klaviyo.SubscribeProfilesAsync(
                new SubscriptionJobResource(
                    SubscriptionJobResource.SubscribeType,
                    new SubscriptionJobAttributes(Profiles(batch, consent)) { HistoricalImport = historical_import },
                    listId is null ? null : ListRelationships.For(listId)),
                cancellationToken)).ConfigureAwait(false);

        return ToolResults.Success(
            new JobsSubmittedResult
            {
                JobsSubmitted = jobs,
                Profiles = subscribed.Count,
                Channels = channels,
                ListId = listId,
                Note = "Klaviyo queued the subscriptions; they apply within minutes. People on a double opt-in list are subscribed once they confirm.",
            },
            ToolJsonContext.Default.JobsSubmittedResult);
    }

    [ToolOperation("bulk_unsubscribe_profiles")]
    [McpServerTool(Name = "unsubscribe_profiles", Title = "Unsubscribe profiles", Destructive = true, Idempotent = true)]
    [Description(
        "Unsubscribe people from email and/or SMS marketing. WARNING: with a list, profiles that are NOT in that list are unsubscribed globally; " +
        "without a list, every profile given is unsubscribed globally.")]
    public async Task<CallToolResult> UnsubscribeProfiles(
        RequestContext<CallToolRequestParams> request,
        [Description("Each with email and/or phone_number (for sms).")] SubscriptionProfileArgument[] profiles,
        [Description("email and/or sms.")] string[] channels,
        [Description("List to unsubscribe them from.")] string? list_id = null,
        [Description("Exact name (any case), instead of list_id.")] string? list_name = null,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var unsubscribed = CheckProfiles(profiles, channels, errors);
        ResourceNameResolver.CheckReference("list_id", list_id, "list_name", list_name, required: false, errors);
        errors.ThrowIfAny();
        var listId = await names.ListIdAsync(list_id, list_name, cancellationToken).ConfigureAwait(false);
        var scope = listId is null
            ? $"from ALL {string.Join(" and ", channels)} marketing (global, no list)"
            : $"from {string.Join(" and ", channels)} marketing of list {IdentifierRules.Quote(listId)} (those not in that list: globally)";
        if (await gate.ConfirmAsync(request, $"Unsubscribe {unsubscribed.Count} profile(s) {scope}: {Sample(unsubscribed.Select(p => p.Email ?? p.Phone ?? ""))}.", cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        var consent = new MarketingConsent(MarketingConsent.Unsubscribed);
        var jobs = await SendJobsAsync(
            unsubscribed, UnsubscribeBatch, UnsubscribeOperation,
            batch => klaviyo.UnsubscribeProfilesAsync(
                new SubscriptionJobResource(
                    SubscriptionJobResource.UnsubscribeType,
                    new SubscriptionJobAttributes(Profiles(batch, consent)),
                    listId is null ? null : ListRelationships.For(listId)),
                cancellationToken)).ConfigureAwait(false);

        return ToolResults.Success(
            new JobsSubmittedResult
            {
                JobsSubmitted = jobs,
                Profiles = unsubscribed.Count,
                Channels = channels,
                ListId = listId,
                Note = listId is null
                    ? "Klaviyo queued the unsubscribes; every profile given is unsubscribed from all marketing on these channels."
                    : "Klaviyo queued the unsubscribes; profiles not in the list are unsubscribed from all marketing on these channels.",
            },
            ToolJsonContext.Default.JobsSubmittedResult);
    }

    [ToolOperation("bulk_suppress_profiles")]
    [McpServerTool(Name = "suppress_profiles", Title = "Suppress profiles", Destructive = true, Idempotent = true)]
    [Description("Suppress emails: no email marketing reaches them, whatever their consent, until unsuppressed.")]
    public async Task<CallToolResult> SuppressProfiles(
        RequestContext<CallToolRequestParams> request,
        [Description("Emails to suppress.")] string[] emails,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var addresses = CheckEmails("emails", emails, errors);
        errors.ThrowIfAny();
        if (await gate.ConfirmAsync(request, $"Suppress {addresses.Count} email address(es): no email marketing reaches them until unsuppressed: {Sample(addresses)}.", cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        return await SuppressionAsync(emails, SuppressionJobResource.SuppressType, SuppressOperation, "Klaviyo queued the suppressions; these addresses get no email marketing until unsuppressed.", cancellationToken).ConfigureAwait(false);
    }

    private static string Sample(IEnumerable<string> items)
    {
        var all = items.ToList();
        return string.Join(", ", all.Take(10).Select(IdentifierRules.Quote)) + (all.Count > 10 ? $" and {all.Count - 10} more" : "");
    }

    [ToolOperation("bulk_unsuppress_profiles")]
    [McpServerTool(Name = "unsuppress_profiles", Title = "Unsuppress profiles", Destructive = false, Idempotent = true)]
    [Description("Lift manual suppressions (USER_SUPPRESSED) from emails; bounces and spam complaints stay.")]
    public Task<CallToolResult> UnsuppressProfiles(
        [Description("Emails to unsuppress.")] string[] emails,
        CancellationToken cancellationToken = default) =>
        SuppressionAsync(emails, SuppressionJobResource.UnsuppressType, UnsuppressOperation, "Klaviyo queued the unsuppressions; manual (USER_SUPPRESSED) suppressions are lifted.", cancellationToken);

    private async Task<CallToolResult> SuppressionAsync(string[] emails, string jobType, ToolCallDescriptor operation, string note, CancellationToken cancellationToken)
    {
        var errors = new ArgumentErrors();
        var addresses = CheckEmails("emails", emails, errors);
        errors.ThrowIfAny();

        var jobs = await SendJobsAsync(addresses, SuppressionBatch, operation,
            batch => klaviyo.SuppressProfilesOrUnsuppressAsync(jobType, batch, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Success(new JobsSubmittedResult { JobsSubmitted = jobs, Profiles = addresses.Count, Note = note }, ToolJsonContext.Default.JobsSubmittedResult);
    }

    /// <summary>Checks a list of emails (not empty, each valid) and returns them without duplicates.</summary>
    internal static List<string> CheckEmails(string path, string[]? emails, ArgumentErrors errors)
    {
        if (emails is not { Length: > 0 })
        {
            errors.Add(path, "must list at least one email address");
            return [];
        }

        for (var i = 0; i < emails.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(emails[i]) || !IdentifierRules.IsEmail(emails[i]))
            {
                errors.Add($"{path}[{i}]", $"{IdentifierRules.Quote(emails[i] ?? "")} is not an email address");
            }
        }

        return [.. emails.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Sends one job per batch; a failure after some batches says how many were accepted.</summary>
    private static async Task<int> SendJobsAsync<T>(IReadOnlyList<T> items, int batchSize, ToolCallDescriptor operation, Func<T[], Task> send)
    {
        var jobs = 0;
        foreach (var batch in items.Chunk(batchSize))
        {
            var progress = jobs == 0 ? null : $"{jobs} of {(items.Count + batchSize - 1) / batchSize} requests ({jobs * batchSize} items) had been accepted before this failure; send only the rest again.";
            await KlaviyoCalls.RunAsync(operation, () => send(batch), progress).ConfigureAwait(false);
            jobs++;
        }

        return jobs;
    }

    private static List<(string? Email, string? Phone)> CheckProfiles(SubscriptionProfileArgument[]? profiles, string[]? channels, ArgumentErrors errors)
    {
        var result = new List<(string? Email, string? Phone)>();
        if (channels is not { Length: > 0 })
        {
            errors.Add("channels", "must list at least one channel: \"email\" and/or \"sms\"");
        }

        channels = ChoiceRules.Each("channels", channels, s_channels, errors);
        var email = channels?.Contains("email") == true;
        var sms = channels?.Contains("sms") == true;
        if (profiles is not { Length: > 0 })
        {
            errors.Add("profiles", "must list at least one profile");
            return result;
        }

        for (var i = 0; i < profiles.Length; i++)
        {
            var path = $"profiles[{i}]";
            var profile = profiles[i];
            if (profile is null)
            {
                errors.Add(path, "must be an object with email and/or phone_number");
                continue;
            }

            var identifiers = profile.ToProfile().CheckIdentifiers(path, SubscriptionProfileArgument.Identifiers, requireIdentifier: true, errors);
            var hasEmail = identifiers.TryGetValue("email", out var address);
            var hasPhone = identifiers.TryGetValue("phone_number", out var phone);
            if (identifiers.Count > 0 && !(email && hasEmail) && !(sms && hasPhone))
            {
                errors.Add(path, $"has no identifier for the channels given ({string.Join(", ", channels ?? [])}): \"email\" needs email, \"sms\" needs phone_number");
            }

            result.Add((email && hasEmail ? address : null, sms && hasPhone ? phone : null));
        }

        return result;
    }

    private static JsonApiDataList<SubscriptionProfileResource> Profiles(IEnumerable<(string? Email, string? Phone)> batch, MarketingConsent consent) =>
        new([.. batch.Select(p => new SubscriptionProfileResource(new SubscriptionProfileAttributes(
            new ChannelSubscriptions(
                Email: p.Email is null ? null : new ChannelConsent(consent),
                Sms: p.Phone is null ? null : new ChannelConsent(consent)))
        {
            Email = p.Email,
            PhoneNumber = p.Phone,
        }))]);
}
