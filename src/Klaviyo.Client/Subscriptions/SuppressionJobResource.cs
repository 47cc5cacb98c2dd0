using System.Text.Json.Serialization;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Subscriptions;

/// <summary>A bulk suppress (<c>profile-suppression-bulk-create-job</c>) or unsuppress (<c>profile-suppression-bulk-delete-job</c>) job, by email.</summary>
public sealed record SuppressionJobResource(
    [property: JsonPropertyOrder(-1)] string Type,
    SuppressionJobAttributes Attributes)
{
    public const string SuppressType = "profile-suppression-bulk-create-job";
    public const string UnsuppressType = "profile-suppression-bulk-delete-job";

    public static SuppressionJobResource For(string type, IEnumerable<string> emails) =>
        new(type, new SuppressionJobAttributes(new JsonApiDataList<EmailProfileResource>([.. emails.Select(e => new EmailProfileResource(new EmailProfileAttributes(e)))])));
}
