using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Access;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The Klaviyo OAuth scopes a person is asked to grant: those of every operation the server may reach, from the
/// operation catalogue (the one source of the scopes): the API areas its toolsets leave (all of them when it names
/// none), only reads and no <c>:write</c> scope at all when it is read-only, and always <c>accounts:read</c> (the server reads the account).
/// </summary>
public static class KlaviyoScopes
{
    public const string AccountsRead = "accounts:read";

    /// <summary>The scopes, space-separated and sorted, as Klaviyo's authorize URL takes them.</summary>
    public static string For(AccessRestrictions server)
    {
        var scopes = new SortedSet<string>(StringComparer.Ordinal) { AccountsRead };
        foreach (var operation in OperationCatalog.Default.Operations)
        {
            if (operation.ClientSide || (server.ReadOnly && operation.Access != OperationAccess.Read))
            {
                continue;
            }

            if (server.Areas is { } areas && !(Toolsets.Areas.TryGetValue(operation.Tag, out var area) && areas.Contains(area)))
            {
                continue;
            }

            // A read may still need a write scope (refreshing a campaign's recipient estimate needs campaigns:write):
            // a read-only server asks for none, and such a read answers Klaviyo's 403.
            scopes.UnionWith(operation.Scopes.Where(s => !server.ReadOnly || !s.EndsWith(":write", StringComparison.Ordinal)));
        }

        return string.Join(' ', scopes);
    }
}
