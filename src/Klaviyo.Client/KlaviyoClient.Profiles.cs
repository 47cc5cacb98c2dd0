using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Profiles;
using Klaviyo.Client.Subscriptions;

namespace Klaviyo.Client;

public sealed partial class KlaviyoClient
{
    /// <summary><c>GET /api/profiles</c>: filter, sort, page, sparse fields and additional fields come in <paramref name="query"/>.</summary>
    public Task<JsonApiDocument> GetProfilesAsync(KlaviyoQuery query, CancellationToken cancellationToken) =>
        GetAsync("get_profiles", null, query, cancellationToken);

    /// <summary><c>GET /api/profiles/{id}</c>.</summary>
    public Task<JsonApiDocument> GetProfileAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) =>
        GetAsync("get_profile", id, query, cancellationToken);

    /// <summary>
    /// <c>POST /api/profiles</c> (201). A profile with an identifier another profile has is a 409 <c>duplicate_profile</c>
    /// whose <c>meta.duplicate_profile_id</c> names the existing one. Safe to repeat, since Klaviyo refuses a duplicate:
    /// it is retried after an ambiguous failure, and a 409 after such a retry (<see cref="KlaviyoApiException.Attempts"/>
    /// above 1) names the profile the lost attempt created.
    /// </summary>
    public Task<JsonApiDocument> CreateProfileAsync(ProfileResource profile, CancellationToken cancellationToken) =>
        WriteAsync("create_profile", null, new JsonApiData<ProfileResource>(profile), KlaviyoDocumentJsonContext.Wire.JsonApiDataProfileResource,
            MaxProfilePayloadBytes, cancellationToken);

    /// <summary><c>PATCH /api/profiles/{id}</c> (200). Setting the same values twice changes nothing, so it is retried unless it appends to a list property.</summary>
    public Task<JsonApiDocument> UpdateProfileAsync(ProfilePatchResource patch, CancellationToken cancellationToken) =>
        WriteAsync("update_profile", patch.Id, new JsonApiData<ProfilePatchResource>(patch), KlaviyoDocumentJsonContext.Wire.JsonApiDataProfilePatchResource,
            MaxProfilePayloadBytes, cancellationToken);

    /// <summary><c>POST /api/profile-import</c>: 201 when a profile was created, 200 when one was updated. Retried unless it appends.</summary>
    public Task<JsonApiDocument> CreateOrUpdateProfileAsync(ProfileResource profile, CancellationToken cancellationToken) =>
        WriteAsync("create_or_update_profile", null, new JsonApiData<ProfileResource>(profile), KlaviyoDocumentJsonContext.Wire.JsonApiDataProfileResource,
            MaxProfilePayloadBytes, cancellationToken);

    /// <summary>
    /// <c>POST /api/profile-subscription-bulk-create-jobs</c> (202), at most 1000 profiles. Not retried after an
    /// ambiguous failure: a repeat could send a second double opt-in message.
    /// </summary>
    public Task SubscribeProfilesAsync(SubscriptionJobResource job, CancellationToken cancellationToken) =>
        WriteAsync("bulk_subscribe_profiles", null, new JsonApiData<SubscriptionJobResource>(job), KlaviyoDocumentJsonContext.Wire.JsonApiDataSubscriptionJobResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary><c>POST /api/profile-subscription-bulk-delete-jobs</c> (202), at most 100 profiles. Unsubscribing twice changes nothing, so it is retried.</summary>
    public Task UnsubscribeProfilesAsync(SubscriptionJobResource job, CancellationToken cancellationToken) =>
        WriteAsync("bulk_unsubscribe_profiles", null, new JsonApiData<SubscriptionJobResource>(job), KlaviyoDocumentJsonContext.Wire.JsonApiDataSubscriptionJobResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary>Suppresses (<paramref name="jobType"/> = <see cref="SuppressionJobResource.SuppressType"/>) or unsuppresses the given emails.</summary>
    public Task SuppressProfilesOrUnsuppressAsync(string jobType, IEnumerable<string> emails, CancellationToken cancellationToken) =>
        jobType == SuppressionJobResource.SuppressType
            ? SuppressProfilesAsync(SuppressionJobResource.For(jobType, emails), cancellationToken)
            : UnsuppressProfilesAsync(SuppressionJobResource.For(jobType, emails), cancellationToken);

    /// <summary><c>POST /api/profile-suppression-bulk-create-jobs</c> (202), at most 100 emails. Retried: suppressing twice changes nothing.</summary>
    public Task SuppressProfilesAsync(SuppressionJobResource job, CancellationToken cancellationToken) =>
        WriteAsync("bulk_suppress_profiles", null, new JsonApiData<SuppressionJobResource>(job), KlaviyoDocumentJsonContext.Wire.JsonApiDataSuppressionJobResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary><c>POST /api/profile-suppression-bulk-delete-jobs</c> (202), at most 100 emails. Retried: unsuppressing twice changes nothing.</summary>
    public Task UnsuppressProfilesAsync(SuppressionJobResource job, CancellationToken cancellationToken) =>
        WriteAsync("bulk_unsuppress_profiles", null, new JsonApiData<SuppressionJobResource>(job), KlaviyoDocumentJsonContext.Wire.JsonApiDataSuppressionJobResource,
            MaxPayloadBytes, cancellationToken);
}
