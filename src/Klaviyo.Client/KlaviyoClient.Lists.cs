using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Lists;

namespace Klaviyo.Client;

public sealed partial class KlaviyoClient
{
    /// <summary><c>GET /api/lists</c>; Klaviyo returns at most 10 lists a page.</summary>
    public Task<JsonApiDocument> GetListsAsync(KlaviyoQuery query, CancellationToken cancellationToken) =>
        GetAsync("get_lists", null, query, cancellationToken);

    /// <summary><c>GET /api/lists/{id}</c>.</summary>
    public Task<JsonApiDocument> GetListAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) =>
        GetAsync("get_list", id, query, cancellationToken);

    /// <summary><c>POST /api/lists</c> (201). Not retried after an ambiguous failure (the catalogue's rule for a create): a repeat would make a second list.</summary>
    public Task<JsonApiDocument> CreateListAsync(ListAttributes attributes, CancellationToken cancellationToken) =>
        WriteAsync("create_list", null, new JsonApiData<ListResource>(new ListResource(attributes)), KlaviyoDocumentJsonContext.Wire.JsonApiDataListResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary><c>PATCH /api/lists/{id}</c> (200). Retried: renaming twice changes nothing.</summary>
    public Task<JsonApiDocument> UpdateListAsync(string id, ListAttributes attributes, CancellationToken cancellationToken) =>
        WriteAsync("update_list", id, new JsonApiData<ListResource>(new ListResource(attributes) { Id = id }), KlaviyoDocumentJsonContext.Wire.JsonApiDataListResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary>
    /// <c>DELETE /api/lists/{id}</c> (204). Retried after an ambiguous failure like every DELETE; a 404 on that repeat
    /// means the lost attempt deleted the list, so it counts as deleted.
    /// </summary>
    public async Task DeleteListAsync(string id, CancellationToken cancellationToken)
    {
        var (operation, path) = Route("delete_list", id);
        using var response = await SendAsync(operation, path, body: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/lists/{id}/relationships/profiles</c> (204), at most 1000 profile ids. Retried: adding a member twice changes nothing.</summary>
    public Task AddProfilesToListAsync(string listId, IReadOnlyList<string> profileIds, CancellationToken cancellationToken) =>
        WriteAsync("add_profiles_to_list", listId, Members(profileIds), KlaviyoDocumentJsonContext.Wire.JsonApiDataListResourceIdentifier,
            MaxPayloadBytes, cancellationToken);

    /// <summary><c>DELETE /api/lists/{id}/relationships/profiles</c> with a JSON body (204), at most 1000 profile ids. Retried: removing twice changes nothing.</summary>
    public Task RemoveProfilesFromListAsync(string listId, IReadOnlyList<string> profileIds, CancellationToken cancellationToken) =>
        WriteAsync("remove_profiles_from_list", listId, Members(profileIds), KlaviyoDocumentJsonContext.Wire.JsonApiDataListResourceIdentifier,
            MaxPayloadBytes, cancellationToken);

    /// <summary><c>GET /api/lists/{id}/profiles</c>: the list's members.</summary>
    public Task<JsonApiDocument> GetListProfilesAsync(string listId, KlaviyoQuery query, CancellationToken cancellationToken) =>
        GetAsync("get_profiles_for_list", listId, query, cancellationToken);

    private static JsonApiDataList<ResourceIdentifier> Members(IReadOnlyList<string> profileIds) =>
        new([.. profileIds.Select(id => new ResourceIdentifier("profile", id))]);
}
