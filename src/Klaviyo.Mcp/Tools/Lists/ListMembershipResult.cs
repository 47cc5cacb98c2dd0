using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Lists;

[Description("What a list membership change did.")]
public sealed record ListMembershipResult
{
    [Description("The list changed.")]
    public required string ListId { get; init; }

    [Description("Profiles added to the list (add_profiles_to_list).")]
    public int? Added { get; init; }

    [Description("Profiles removed from the list (remove_profiles_from_list).")]
    public int? Removed { get; init; }

    [Description("Profiles created first because no profile had the email (create_missing).")]
    public int? Created { get; init; }

    [Description("Emails no profile has; they were not added or removed.")]
    public IReadOnlyList<string>? NotFound { get; init; }
}
