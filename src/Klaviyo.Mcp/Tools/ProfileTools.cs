using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.Profiles;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Profiles;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Profiles area: finding, creating and changing the people in an account.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class ProfileTools(KlaviyoClient klaviyo, ResultBudget budget)
{
    public const int MaxPageSize = 100;

    private static readonly string[] s_additionalFields = ["subscriptions", "predictive_analytics"];
    private static readonly string[] s_includes = ["lists", "segments"];
    private static readonly string[] s_sortFields =
        ["id", "created", "updated", "email", "subscriptions.email.marketing.suppression.timestamp", "subscriptions.email.marketing.list_suppressions.timestamp"];

    private static readonly Dictionary<string, string> s_queryArguments = new()
    {
        ["filter"] = "filter",
        ["sort"] = "sort",
        ["page[size]"] = "page_size",
        ["page[cursor]"] = "cursor",
        ["fields[profile]"] = "fields",
        ["additional-fields[profile]"] = "additional_fields",
        ["include"] = "include",
    };

    private static readonly ArgumentPointerMap s_profilePointers = new(
        ("/data/attributes/", ""),
        ("/data/meta/patch_properties/unset", "unset_properties"),
        ("/data/meta/patch_properties/", ""),
        ("/data/id", "id"));

    internal static readonly ToolCallDescriptor GetProfilesOperation = ToolCallDescriptor.Read("get_profiles", "get_profiles", s_queryArguments);
    internal static readonly ToolCallDescriptor GetProfileOperation = ToolCallDescriptor.Read("get_profile", "get_profile", s_queryArguments);
    internal static readonly ToolCallDescriptor CreateProfileOperation = new("create_profile", "create_profile", s_profilePointers);
    internal static readonly ToolCallDescriptor UpdateProfileOperation = new("update_profile", "update_profile", s_profilePointers);
    internal static readonly ToolCallDescriptor UpsertProfileOperation = new("create_or_update_profile", "create_or_update_profile", s_profilePointers);

    [ToolOperation("get_profiles")]
    [McpServerTool(Name = "get_profiles", Title = "Find profiles", ReadOnly = true)]
    [Description("Find profiles by exact email, phone_number or external_id, or a Klaviyo filter.")]
    public async Task<CallToolResult> GetProfiles(
        [Description("Exact email.")] string? email = null,
        [Description("Exact phone number, E.164.")] string? phone_number = null,
        [Description("Exact external_id.")] string? external_id = null,
        [Description("Klaviyo filter for anything else, e.g. greater-than(created,2026-01-01T00:00:00Z); joined to the above with and.")] string? filter = null,
        [Description("id, created, updated or email; prefix - for descending.")] string? sort = null,
        [Description("1 to 100, default 20.")] int? page_size = null,
        [Description("From next_cursor.")] string? cursor = null,
        [Description("Attributes to return, e.g. [email, first_name, location.city]; default all.")] string[]? fields = null,
        [Description("subscriptions (consent per channel) and/or predictive_analytics (CLV, churn).")] string[]? additional_fields = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        ProfileRules.CheckIdentifiers("", [("email", email), ("phone_number", phone_number), ("external_id", external_id)], requireOne: false, errors);
        if (sort is not null && ChoiceRules.One("sort", sort.Trim().TrimStart('-'), s_sortFields, errors) is { } sortField)
        {
            sort = (sort.Trim().StartsWith('-') ? "-" : "") + sortField;
        }

        TextRules.NotBlank("filter", filter, errors);

        PageRules.CheckPageSize(page_size, MaxPageSize, errors);
        additional_fields = ChoiceRules.Each("additional_fields", additional_fields, s_additionalFields, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var conditions = new KlaviyoFilter();
        if (email is not null)
        {
            conditions.Equal("email", email);
        }

        if (phone_number is not null)
        {
            conditions.Equal("phone_number", phone_number);
        }

        if (external_id is not null)
        {
            conditions.Equal("external_id", external_id);
        }

        var query = new KlaviyoQuery()
            .Filter(conditions.Raw(filter).ToString())
            .Sort(sort)
            .PageSize(page_size ?? 20)
            .Cursor(current.KlaviyoCursor)
            .Fields("profile", fields)
            .AdditionalFields("profile", additional_fields);
        var page = await KlaviyoCalls.RunAsync(GetProfilesOperation, () => klaviyo.GetProfilesAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [ToolOperation("get_profile")]
    [McpServerTool(Name = "get_profile", Title = "Get profile", ReadOnly = true)]
    [Description("One profile by id, optionally with the lists and segments it is in.")]
    public async Task<CallToolResult> GetProfile(
        [Description("Profile id.")] string id,
        [Description("lists and/or segments.")] string[]? include = null,
        [Description("subscriptions and/or predictive_analytics.")] string[]? additional_fields = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        include = ChoiceRules.Each("include", include, s_includes, errors);
        additional_fields = ChoiceRules.Each("additional_fields", additional_fields, s_additionalFields, errors);
        errors.ThrowIfAny();

        var query = new KlaviyoQuery()
            .Include(include)
            .AdditionalFields("profile", additional_fields)
            .Fields("list", include?.Contains("lists") == true ? ["name"] : null)
            .Fields("segment", include?.Contains("segments") == true ? ["name"] : null);
        var document = await KlaviyoCalls.RunAsync(GetProfileOperation, () => klaviyo.GetProfileAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("create_profile")]
    [McpServerTool(Name = "create_profile", Title = "Create profile", Destructive = false)]
    [Description(
        "Create a profile with email, phone_number and/or external_id. If such a profile exists, nothing is created and the error gives its id (to upsert: " +
        "create_or_update_profile).")]
    public async Task<CallToolResult> CreateProfile(
        [Description(ProfileArguments.EmailText)] string? email = null,
        [Description(ProfileArguments.PhoneText)] string? phone_number = null,
        [Description(ProfileArguments.ExternalIdText)] string? external_id = null,
        [Description(ProfileArguments.FirstNameText)] string? first_name = null,
        [Description(ProfileArguments.LastNameText)] string? last_name = null,
        [Description(ProfileArguments.OrganizationText)] string? organization = null,
        [Description(ProfileArguments.LocaleText)] string? locale = null,
        [Description(ProfileArguments.TitleText)] string? title = null,
        [Description(ProfileArguments.ImageText)] string? image = null,
        [Description(ProfileArguments.LocationText)] ProfileLocationArgument? location = null,
        [Description(ProfileArguments.PropertiesText)] Dictionary<string, JsonElement>? properties = null,
        CancellationToken cancellationToken = default)
    {
        var profile = Profile(email, phone_number, external_id, first_name, last_name, organization, locale, title, image, location, properties);
        var errors = new ArgumentErrors();
        profile.Check("", ProfileIdentifierKinds.Contact, requireIdentifier: true, errors);
        errors.ThrowIfAny();

        try
        {
            var document = await KlaviyoCalls.RunAsync(CreateProfileOperation, () => klaviyo.CreateProfileAsync(new ProfileResource(profile.ToAttributes()), cancellationToken)).ConfigureAwait(false);
            return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
        }
        catch (KlaviyoToolException failure) when (DuplicateProfileId(failure.Failure) is { } existing && failure.Failure is KlaviyoApiException { Attempts: > 1 })
        {
            // The first attempt created the profile but its answer was lost; the retry found it. That is success.
            var document = await KlaviyoCalls.RunAsync(GetProfileOperation, () => klaviyo.GetProfileAsync(existing, new KlaviyoQuery(), cancellationToken)).ConfigureAwait(false);
            var created = JsonApiShaper.FlattenAll(document).First();
            created["note"] = "Klaviyo's answer to the first attempt was lost and the retry found the profile that attempt had created; this is it.";
            return ToolResults.Resource(created, budget);
        }
        catch (KlaviyoToolException failure) when (DuplicateProfileId(failure.Failure) is { } existing)
        {
            throw new ToolFailureException(
                $"A profile with one of these identifiers already exists (id \"{existing}\"); nothing was created. " +
                $"To change it, call update_profile with id \"{existing}\"; to create or update by identifier in one call, use create_or_update_profile.");
        }
    }

    [ToolOperation("update_profile")]
    [McpServerTool(Name = "update_profile", Title = "Update profile", Destructive = false)]
    [Description(
        "Change a profile by id: only given attributes change; null clears one. properties sets custom properties (others kept); unset_properties removes some; " +
        "append and unappend edit list values.")]
    public async Task<CallToolResult> UpdateProfile(
        RequestContext<CallToolRequestParams> context,
        [Description("Profile id.")] string id,
        [Description(ProfileArguments.EmailText + " " + ToolSchemaCompaction.NullClears)] string? email = null,
        [Description(ProfileArguments.PhoneText + " " + ToolSchemaCompaction.NullClears)] string? phone_number = null,
        [Description(ProfileArguments.ExternalIdText + " " + ToolSchemaCompaction.NullClears)] string? external_id = null,
        [Description(ProfileArguments.FirstNameText + " " + ToolSchemaCompaction.NullClears)] string? first_name = null,
        [Description(ProfileArguments.LastNameText + " " + ToolSchemaCompaction.NullClears)] string? last_name = null,
        [Description(ProfileArguments.OrganizationText + " " + ToolSchemaCompaction.NullClears)] string? organization = null,
        [Description(ProfileArguments.LocaleText + " " + ToolSchemaCompaction.NullClears)] string? locale = null,
        [Description(ProfileArguments.TitleText + " " + ToolSchemaCompaction.NullClears)] string? title = null,
        [Description(ProfileArguments.ImageText + " " + ToolSchemaCompaction.NullClears)] string? image = null,
        [Description(ProfileArguments.LocationText + " " + ToolSchemaCompaction.NullClears)] ProfileLocationArgument? location = null,
        [Description(ProfileArguments.PropertiesText)] Dictionary<string, JsonElement>? properties = null,
        [Description("Custom property keys to remove.")] string[]? unset_properties = null,
        [Description("Values to add to list-valued custom properties, e.g. {\"skus\": \"92538\"}.")] Dictionary<string, JsonElement>? append = null,
        [Description("Values to remove from list-valued custom properties.")] Dictionary<string, JsonElement>? unappend = null,
        CancellationToken cancellationToken = default)
    {
        var arguments = context.Params?.Arguments;
        bool Cleared(string name) => arguments is not null && arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Null;

        var profile = Profile(email, phone_number, external_id, first_name, last_name, organization, locale, title, image, location, properties);
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        profile.Check("", ProfileIdentifierKinds.Contact, requireIdentifier: false, errors);
        var index = 0;
        foreach (var key in unset_properties ?? [])
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                errors.Add($"unset_properties[{index}]", "must not be blank");
            }

            index++;
        }

        var attributes = new JsonObject();
        foreach (var (name, value) in profile.TextAttributes())
        {
            if (value is not null || Cleared(name))
            {
                attributes[name] = value;
            }
        }

        if (location is not null || Cleared("location"))
        {
            attributes["location"] = location is null ? null : JsonSerializer.SerializeToNode(location.ToLocation(), ToolJsonContext.Default.ProfileLocation);
        }

        if (properties is not null)
        {
            attributes["properties"] = JsonSerializer.SerializeToNode(properties, ToolJsonContext.Default.DictionaryStringJsonElement);
        }

        var patch = unset_properties is { Length: > 0 } || append is { Count: > 0 } || unappend is { Count: > 0 }
            ? new ProfilePatchProperties { Unset = unset_properties is { Length: > 0 } ? unset_properties : null, Append = append is { Count: > 0 } ? append : null, Unappend = unappend is { Count: > 0 } ? unappend : null }
            : null;
        if (attributes.Count == 0 && patch is null && !errors.Any)
        {
            errors.Add("arguments", "nothing to change: give at least one attribute (null clears it), properties, unset_properties, append or unappend");
        }

        errors.ThrowIfAny();

        var resource = new ProfilePatchResource(id.Trim(), attributes) { Meta = patch is null ? null : new ProfileMeta(patch) };
        var document = await KlaviyoCalls.RunAsync(UpdateProfileOperation, () => klaviyo.UpdateProfileAsync(resource, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("create_or_update_profile")]
    [McpServerTool(Name = "create_or_update_profile", Title = "Create or update profile", Destructive = false, Idempotent = true)]
    [Description("Upsert by id, email, phone_number or external_id: updates that profile or creates one; given attributes are set. Says if it was created or updated.")]
    public async Task<CallToolResult> CreateOrUpdateProfile(
        [Description("Profile id, if known.")] string? id = null,
        [Description(ProfileArguments.EmailText)] string? email = null,
        [Description(ProfileArguments.PhoneText)] string? phone_number = null,
        [Description(ProfileArguments.ExternalIdText)] string? external_id = null,
        [Description(ProfileArguments.FirstNameText)] string? first_name = null,
        [Description(ProfileArguments.LastNameText)] string? last_name = null,
        [Description(ProfileArguments.OrganizationText)] string? organization = null,
        [Description(ProfileArguments.LocaleText)] string? locale = null,
        [Description(ProfileArguments.TitleText)] string? title = null,
        [Description(ProfileArguments.ImageText)] string? image = null,
        [Description(ProfileArguments.LocationText)] ProfileLocationArgument? location = null,
        [Description(ProfileArguments.PropertiesText)] Dictionary<string, JsonElement>? properties = null,
        CancellationToken cancellationToken = default)
    {
        var profile = Profile(email, phone_number, external_id, first_name, last_name, organization, locale, title, image, location, properties) with { Id = id };
        var errors = new ArgumentErrors();
        // The id counts as an identifier only when given, so that the message for none lists what the caller can give.
        profile.Check("", id is null ? ProfileIdentifierKinds.Contact : ProfileIdentifierKinds.Contact | ProfileIdentifierKinds.Id, requireIdentifier: true, errors);
        errors.ThrowIfAny();

        var resource = new ProfileResource(profile.ToAttributes()) { Id = id?.Trim() };
        var document = await KlaviyoCalls.RunAsync(UpsertProfileOperation, () => klaviyo.CreateOrUpdateProfileAsync(resource, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Success(
            new ProfileUpsertResult
            {
                Outcome = document.Status == HttpStatusCode.Created ? "created" : "updated",
                Profile = JsonApiShaper.FlattenAll(document).First(),
            },
            ToolJsonContext.Default.ProfileUpsertResult);
    }

    private static ProfileArguments Profile(
        string? email, string? phoneNumber, string? externalId, string? firstName, string? lastName, string? organization, string? locale, string? title, string? image,
        ProfileLocationArgument? location, Dictionary<string, JsonElement>? properties) => new()
    {
        Email = email,
        PhoneNumber = phoneNumber,
        ExternalId = externalId,
        FirstName = firstName,
        LastName = lastName,
        Organization = organization,
        Locale = locale,
        Title = title,
        Image = image,
        Location = location,
        Properties = properties,
    };

    /// <summary>The existing profile's id in a 409 <c>duplicate_profile</c>, if that is what <paramref name="failure"/> is.</summary>
    internal static string? DuplicateProfileId(KlaviyoException failure) =>
        failure is KlaviyoApiException { StatusCode: HttpStatusCode.Conflict } api
            ? api.Errors.Select(e => e.Meta is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("duplicate_profile_id", out var duplicate) ? duplicate.GetString() : null)
                .FirstOrDefault(d => d is not null)
            : null;
}
