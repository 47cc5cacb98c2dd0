using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Client.Lists;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Tools.Profiles;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Lists area: lists and who is on them.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class ListTools(KlaviyoClient klaviyo, ResourceNameResolver names, ProfileIdResolver profileIds, ResultBudget budget, ConfirmationGate gate)
{
    public const int MembersPerRequest = 1000;
    public const int MaxMembersPageSize = 100;

    private static readonly string[] s_optInProcesses = ["single_opt_in", "double_opt_in"];
    private static readonly Dictionary<string, string> s_queryArguments = new()
    {
        ["filter"] = "name or email",
        ["page[cursor]"] = "cursor",
        ["page[size]"] = "page_size",
        ["additional-fields[list]"] = "include_profile_count",
    };

    private static readonly ArgumentPointerMap s_listPointers = new(("/data/attributes/", ""), ("/data/id", "id"));
    private static readonly ArgumentPointerMap s_memberPointers = new(("/data", "profile_ids"));

    internal static readonly ToolCallDescriptor GetListsOperation = ToolCallDescriptor.Read("get_lists", "get_lists", s_queryArguments);
    internal static readonly ToolCallDescriptor GetListOperation = ToolCallDescriptor.Read("get_list", "get_list", s_queryArguments);
    internal static readonly ToolCallDescriptor CreateListOperation = new("create_list", "create_list", s_listPointers);
    internal static readonly ToolCallDescriptor UpdateListOperation = new("update_list", "update_list", s_listPointers);
    internal static readonly ToolCallDescriptor DeleteListOperation = ToolCallDescriptor.Read("delete_list", "delete_list");
    internal static readonly ToolCallDescriptor AddMembersOperation = new("add_profiles_to_list", "add_profiles_to_list", s_memberPointers);
    internal static readonly ToolCallDescriptor RemoveMembersOperation = new("remove_profiles_from_list", "remove_profiles_from_list", s_memberPointers);
    internal static readonly ToolCallDescriptor GetMembersOperation = ToolCallDescriptor.Read("get_profiles_for_list", "get_profiles_for_list", s_queryArguments);

    [ToolOperation("get_lists")]
    [McpServerTool(Name = "get_lists", Title = "Find lists", ReadOnly = true)]
    [Description("List lists, 10 a page, or find one by exact name.")]
    public async Task<CallToolResult> GetLists(
        [Description("Exact name (case-sensitive).")] string? name = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.NotBlank("name", name, errors);

        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var query = new KlaviyoQuery().Filter(name is null ? null : new KlaviyoFilter().Equal("name", name).ToString()).Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.RunAsync(GetListsOperation, () => klaviyo.GetListsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [ToolOperation("get_list")]
    [McpServerTool(Name = "get_list", Title = "Get list", ReadOnly = true)]
    [Description("One list by id, optionally with its profile_count.")]
    public async Task<CallToolResult> GetList(
        [Description("List id.")] string id,
        [Description("True to add profile_count (slower).")] bool? include_profile_count = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();

        var query = new KlaviyoQuery().AdditionalFields("list", include_profile_count == true ? ["profile_count"] : null);
        var document = await KlaviyoCalls.RunAsync(GetListOperation, () => klaviyo.GetListAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("create_list")]
    [McpServerTool(Name = "create_list", Title = "Create list", Destructive = false)]
    [Description("Create a list: always a new one, even if the name is taken (check get_lists). Klaviyo allows 150 new lists a day.")]
    public async Task<CallToolResult> CreateList(
        [Description("Name.")] string name,
        [Description("single_opt_in or double_opt_in; default: the account setting.")] string? opt_in_process = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("name", name, errors);

        opt_in_process = ChoiceRules.One("opt_in_process", opt_in_process, s_optInProcesses, errors);
        errors.ThrowIfAny();

        var document = await KlaviyoCalls.RunAsync(CreateListOperation, () => klaviyo.CreateListAsync(new ListAttributes(name.Trim(), opt_in_process), cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("update_list")]
    [McpServerTool(Name = "update_list", Title = "Update list", Destructive = false, Idempotent = true)]
    [Description("Rename a list or change its opt-in process.")]
    public async Task<CallToolResult> UpdateList(
        [Description("List id.")] string id,
        [Description("New name.")] string? name = null,
        [Description("single_opt_in or double_opt_in.")] string? opt_in_process = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        TextRules.NotBlank("name", name, errors);

        opt_in_process = ChoiceRules.One("opt_in_process", opt_in_process, s_optInProcesses, errors);
        if (name is null && opt_in_process is null)
        {
            errors.Add("arguments", "nothing to change: give name and/or opt_in_process");
        }

        errors.ThrowIfAny();

        var document = await KlaviyoCalls.RunAsync(UpdateListOperation, () => klaviyo.UpdateListAsync(id.Trim(), new ListAttributes(name?.Trim(), opt_in_process), cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("delete_list")]
    [McpServerTool(Name = "delete_list", Title = "Delete list", Destructive = true)]
    [Description("Delete a list for good. Its profiles and their consent remain.")]
    public async Task<CallToolResult> DeleteList(
        RequestContext<CallToolRequestParams> request,
        [Description("List id.")] string id,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();
        if (await gate.ConfirmAsync(request, $"Delete list {IdentifierRules.Quote(id.Trim())} for good. Its profiles and their consent remain; flows triggered by it lose their trigger.", cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        await KlaviyoCalls.RunAsync(DeleteListOperation, () => klaviyo.DeleteListAsync(id.Trim(), cancellationToken)).ConfigureAwait(false);
        return ToolResults.Success(new ListDeletedResult { Id = id.Trim() }, ToolJsonContext.Default.ListDeletedResult);
    }

    [ToolOperation("add_profiles_to_list")]
    [McpServerTool(Name = "add_profiles_to_list", Title = "Add profiles to list", Destructive = false, Idempotent = true)]
    [Description("Add profiles to a list by profile_ids and/or emails. Membership only, not consent (see subscribe_profiles).")]
    public async Task<CallToolResult> AddProfilesToList(
        [Description("List id.")] string? list_id = null,
        [Description("Exact name (any case), instead of list_id.")] string? list_name = null,
        [Description("Profile ids.")] string[]? profile_ids = null,
        [Description("Emails.")] string[]? emails = null,
        [Description("True to create profiles for emails not found.")] bool? create_missing = null,
        CancellationToken cancellationToken = default)
    {
        var (ids, addresses) = CheckMembers(list_id, list_name, profile_ids, emails);
        var listId = (await names.ListIdAsync(list_id, list_name, cancellationToken).ConfigureAwait(false))!;

        var found = addresses.Count == 0 ? [] : await profileIds.FindByEmailAsync(addresses, cancellationToken).ConfigureAwait(false);
        var missing = addresses.Where(e => !found.ContainsKey(e)).ToList();
        var created = 0;
        if (create_missing == true && missing.Count > 0)
        {
            foreach (var (email, id) in await profileIds.CreateByEmailAsync(missing, cancellationToken).ConfigureAwait(false))
            {
                found[email] = id;
                created++;
            }

            missing.Clear();
        }

        var all = ids.Concat(found.Values).Distinct().ToList();
        await SendMembersAsync(all, AddMembersOperation, batch => klaviyo.AddProfilesToListAsync(listId, batch, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Success(
            new ListMembershipResult { ListId = listId, Added = all.Count, Created = create_missing == true ? created : null, NotFound = missing.Count > 0 ? missing : null },
            ToolJsonContext.Default.ListMembershipResult);
    }

    [ToolOperation("remove_profiles_from_list")]
    [McpServerTool(Name = "remove_profiles_from_list", Title = "Remove profiles from list", Destructive = true, Idempotent = true)]
    [Description("Remove profiles from a list by profile_ids and/or emails. Membership only; consent is unchanged.")]
    public async Task<CallToolResult> RemoveProfilesFromList(
        RequestContext<CallToolRequestParams> request,
        [Description("List id.")] string? list_id = null,
        [Description("Exact name (any case), instead of list_id.")] string? list_name = null,
        [Description("Profile ids.")] string[]? profile_ids = null,
        [Description("Emails.")] string[]? emails = null,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var (ids, addresses) = CheckMembers(list_id, list_name, profile_ids, emails);
        var listId = (await names.ListIdAsync(list_id, list_name, cancellationToken).ConfigureAwait(false))!;

        var found = addresses.Count == 0 ? [] : await profileIds.FindByEmailAsync(addresses, cancellationToken).ConfigureAwait(false);
        var missing = addresses.Where(e => !found.ContainsKey(e)).ToList();
        var all = ids.Concat(found.Values).Distinct().ToList();
        var who = string.Join(", ", ids.Take(5).Concat(addresses.Where(found.ContainsKey)).Take(5).Select(IdentifierRules.Quote));
        if (all.Count > 0 &&
            await gate.ConfirmAsync(request, $"Remove {all.Count} profile(s) from list {IdentifierRules.Quote(listId)}: {who}{(all.Count > 5 ? ", …" : "")}. Their consent is unchanged.", cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        await SendMembersAsync(all, RemoveMembersOperation, batch => klaviyo.RemoveProfilesFromListAsync(listId, batch, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Success(
            new ListMembershipResult { ListId = listId, Removed = all.Count, NotFound = missing.Count > 0 ? missing : null },
            ToolJsonContext.Default.ListMembershipResult);
    }

    [ToolOperation("get_profiles_for_list")]
    [McpServerTool(Name = "get_profiles_for_list", Title = "Get list members", ReadOnly = true)]
    [Description("Members of a list, or whether an email is one.")]
    public async Task<CallToolResult> GetProfilesForList(
        [Description("List id.")] string? list_id = null,
        [Description("Exact name (any case), instead of list_id.")] string? list_name = null,
        [Description("Only this email.")] string? email = null,
        [Description("1 to 100, default 20.")] int? page_size = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        ResourceNameResolver.CheckReference("list_id", list_id, "list_name", list_name, required: true, errors);
        ProfileRules.CheckIdentifiers("", [("email", email)], requireOne: false, errors);
        PageRules.CheckPageSize(page_size, MaxMembersPageSize, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var listId = (await names.ListIdAsync(list_id, list_name, cancellationToken).ConfigureAwait(false))!;
        var query = new KlaviyoQuery()
            .Filter(email is null ? null : new KlaviyoFilter().Equal("email", email).ToString())
            .PageSize(page_size ?? 20)
            .Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.RunAsync(GetMembersOperation, () => klaviyo.GetListProfilesAsync(listId, query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    private static (List<string> Ids, List<string> Emails) CheckMembers(string? listId, string? listName, string[]? profileIds, string[]? emails)
    {
        var errors = new ArgumentErrors();
        ResourceNameResolver.CheckReference("list_id", listId, "list_name", listName, required: true, errors);
        if (profileIds is not { Length: > 0 } && emails is not { Length: > 0 })
        {
            errors.Add("arguments", "give profile_ids and/or emails: at least one profile");
        }

        for (var i = 0; i < (profileIds?.Length ?? 0); i++)
        {
            TextRules.Required($"profile_ids[{i}]", profileIds![i], errors);
        }

        var addresses = emails is { Length: > 0 } ? SubscriptionTools.CheckEmails("emails", emails, errors) : [];
        errors.ThrowIfAny();
        return ([.. (profileIds ?? []).Select(id => id.Trim()).Distinct()], addresses);
    }

    private static async Task SendMembersAsync(IReadOnlyList<string> ids, ToolCallDescriptor operation, Func<string[], Task> send)
    {
        var sent = 0;
        foreach (var batch in ids.Chunk(MembersPerRequest))
        {
            await KlaviyoCalls.RunAsync(operation, () => send(batch), sent == 0 ? null : $"{sent} of {ids.Count} profiles had been sent before this failure.").ConfigureAwait(false);
            sent += batch.Length;
        }
    }
}
