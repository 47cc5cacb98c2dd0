using System.Net;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp;

/// <summary>
/// <c>klaviyo-mcp doctor</c>: checks the key's format, reaches the account, and probes each toolset with one cheap read
/// (a 403 means the key lacks that scope). Reporting is judged from the campaign and flow probes, so that a check never
/// spends the reports' 225-a-day quota. Prints guidance, never the key; exits 1 when something is wrong.
/// </summary>
public static class DoctorCommand
{
    /// <summary>
    /// One cheap read per API area, picked from the operation catalogue: a GET of a collection that needs no id (the
    /// area's first by id, a page of one where it pages), with the filter an operation requires. Reporting is not probed.
    /// Areas without such a read (Conversations and Data Privacy only write) are not probed. The scopes named are the
    /// probe's own, then those the area's writes need.
    /// </summary>
    internal static IEnumerable<(string Toolset, ApiOperation Probe, string Scopes)> Probes() =>
        from area in Toolsets.Areas
        where area.Value is not ("reporting" or "accounts")
        let operations = OperationCatalog.Default.Operations.Where(o => !o.ClientSide && o.Tag.Equals(area.Key, StringComparison.OrdinalIgnoreCase)).ToList()
        let probe = operations
            .Where(o => o.Method == "GET" && o.PathParameters.Count == 0 && o.Response == OperationResponseKind.Collection && o.QueryParameters.All(q => !q.Required || q.Kind == QueryParameterKind.Filter))
            .OrderBy(o => o.QueryParameters.Any(q => q.Required) ? 1 : 0)
            .ThenBy(o => o.Id.Length)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .FirstOrDefault()
        where probe is not null
        let reads = probe.Scopes
        let writes = operations.Where(o => o.Access != OperationAccess.Read).SelectMany(o => o.Scopes).Distinct().Except(reads).Order(StringComparer.Ordinal).ToList()
        select (area.Value, probe, string.Join(", ", reads) + (writes.Count == 0 ? "" : "; writes: " + string.Join(", ", writes)));

    public static async Task<int> RunAsync(ServerSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"klaviyo-mcp {ServerSettings.ServerVersion} doctor: {settings.BaseUrl} with revision {settings.Revision}");
        if (settings.ApiKey is null)
        {
            output.WriteLine($"✗ no API key: set {ServerSettings.ApiKeyVariable} (or {ServerSettings.AlternateApiKeyVariable}) to a private key (pk_...) from Klaviyo, Settings > API keys.");
            return 1;
        }

        var ok = true;
        if (!settings.ApiKey.StartsWith("pk_", StringComparison.Ordinal))
        {
            output.WriteLine("✗ the key does not look like a private API key (they start with pk_); a public (site) key cannot use these APIs.");
            ok = false;
        }
        else
        {
            output.WriteLine($"✓ key format (pk_…, {settings.ApiKey.Length} characters)");
        }

        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.None));
        services.AddKlaviyoClient(o =>
        {
            settings.ApplyTo(o);
            o.MaxRetryAttempts = 1;
        });
        await using var provider = services.BuildServiceProvider();
        var klaviyo = provider.GetRequiredService<KlaviyoClient>();

        try
        {
            var accounts = await klaviyo.GetAccountsAsync(cancellationToken).ConfigureAwait(false);
            var account = accounts.Resources.FirstOrDefault();
            var name = account.ValueKind == JsonValueKind.Object && account.GetProperty("attributes").TryGetProperty("contact_information", out var contact) &&
                       contact.TryGetProperty("organization_name", out var organization) ? organization.GetString() : null;
            output.WriteLine($"✓ account {name ?? "(no name)"} (id {(account.ValueKind == JsonValueKind.Object ? account.GetProperty("id").GetString() : "?")}); toolset accounts works (accounts:read)");
        }
        catch (KlaviyoApiException failure) when (failure.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            output.WriteLine($"✗ Klaviyo did not accept the key ({(int)failure.StatusCode}): check that it is a current private key of the right account.");
            return 1;
        }
        catch (KlaviyoApiException failure) when (failure.StatusCode == HttpStatusCode.Forbidden)
        {
            output.WriteLine("✗ accounts: the key lacks accounts:read (get_account will fail; the other toolsets are checked below)");
            ok = false;
        }
        catch (KlaviyoException failure)
        {
            output.WriteLine($"✗ could not reach Klaviyo: {failure.Message}");
            return 1;
        }

        var missing = new HashSet<string>();
        foreach (var (toolset, probe, scopes) in Probes())
        {
            try
            {
                var query = new Dictionary<string, JsonElement>();
                if (probe.QueryParameters.Any(q => q.Kind == QueryParameterKind.PageSize))
                {
                    query[probe.QueryParameters.First(q => q.Kind == QueryParameterKind.PageSize).Name] = JsonSerializer.SerializeToElement(1, Output.ToolJsonContext.Default.Int32);
                }

                if (probe.QueryParameters.FirstOrDefault(q => q.Required && q.Kind == QueryParameterKind.Filter) is { } filter)
                {
                    query[filter.Name] = JsonSerializer.SerializeToElement(RequiredFilter(probe), Output.ToolJsonContext.Default.String);
                }

                await klaviyo.CallOperationAsync(probe, probe.BuildPath(null), probe.BuildQueryString(query), (JsonElement?)null, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"✓ {toolset} ({scopes})");
            }
            catch (KlaviyoApiException failure) when (failure.StatusCode == HttpStatusCode.Forbidden)
            {
                output.WriteLine($"✗ {toolset}: the key lacks a scope it needs ({scopes}); add it in Klaviyo (Settings > API keys), or leave the toolset out with --toolsets");
                missing.Add(toolset);
                ok = false;
            }
            catch (KlaviyoException failure)
            {
                output.WriteLine($"✗ {toolset}: {failure.Message}");
                missing.Add(toolset);
                ok = false;
            }
        }

        output.WriteLine(missing.Contains("campaigns") || missing.Contains("flows")
            ? "✗ reporting: needs campaigns:read and flows:read (see above)"
            : "✓ reporting (campaigns:read, flows:read; not probed, to spare the 225-a-day report quota)");
        output.WriteLine(ok ? "All checks passed." : "Some checks failed: see the lines marked ✗.");
        return ok ? 0 : 1;
    }

    /// <summary>The simplest filter an operation that requires one accepts: campaigns need a channel; otherwise the first field with fixed values.</summary>
    private static string RequiredFilter(ApiOperation operation)
    {
        var field = operation.FilterFields.FirstOrDefault(f => f.Field == "messages.channel")
            ?? operation.FilterFields.FirstOrDefault(f => f.Values is { Count: > 0 } && f.Operators.Contains("equals"))
            ?? operation.FilterFields[0];
        var value = field.Values is { Count: > 0 } values ? values[0] : "x";
        return $"equals({field.Field},\"{value}\")";
    }
}
