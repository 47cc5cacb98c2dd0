using Klaviyo.Client;
using Klaviyo.Client.Profiles;
using Klaviyo.Mcp.Errors;

namespace Klaviyo.Mcp.Tools.Profiles;

/// <summary>Finds profile ids by email, 100 emails per <c>any(email,[...])</c> lookup, and creates the missing ones when asked.</summary>
public sealed class ProfileIdResolver(KlaviyoClient klaviyo)
{
    public const int EmailsPerLookup = 100;

    private static readonly ToolCallDescriptor s_lookup = ToolCallDescriptor.Read("email lookup (get_profiles)", "get_profiles");
    private static readonly ToolCallDescriptor s_create = new("profile creation (create_or_update_profile)", "create_or_update_profile", new ArgumentPointerMap());

    /// <summary>Profile ids by email (compared ignoring case); emails with no profile are absent.</summary>
    public async Task<Dictionary<string, string>> FindByEmailAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var batch in emails.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(EmailsPerLookup))
        {
            string? cursor = null;
            do
            {
                var query = new KlaviyoQuery()
                    .Filter(new KlaviyoFilter().Any("email", batch).ToString())
                    .Fields("profile", ["email"])
                    .PageSize(EmailsPerLookup)
                    .Cursor(cursor);
                var page = await KlaviyoCalls.RunAsync(s_lookup, () => klaviyo.GetProfilesAsync(query, cancellationToken)).ConfigureAwait(false);
                foreach (var profile in page.Resources)
                {
                    if (profile.TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty("email", out var email) && email.GetString() is { } address)
                    {
                        found.TryAdd(address, profile.GetProperty("id").GetString()!);
                    }
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        return found;
    }

    /// <summary>Creates (or finds, since it is an upsert) a profile for each email; returns their ids by email.</summary>
    public async Task<Dictionary<string, string>> CreateByEmailAsync(IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        var created = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var email in emails)
        {
            var document = await KlaviyoCalls.RunAsync(
                s_create,
                () => klaviyo.CreateOrUpdateProfileAsync(new ProfileResource(new ProfileAttributes { Email = email }), cancellationToken),
                progress: created.Count == 0 ? null : $"{created.Count} missing profiles had been created before this failure.").ConfigureAwait(false);
            created[email] = document.Resource.TryGetProperty("id", out var id) && id.GetString() is { } createdId ? createdId : throw new KlaviyoInvalidResponseException("Klaviyo created a profile but did not say its id.");
        }

        return created;
    }
}
