using System.Net;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
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
    private static readonly (string Toolset, string Scopes, Func<KlaviyoClient, CancellationToken, Task<JsonApiDocument>> Probe)[] s_probes =
    [
        ("events", "events:read, events:write", (k, ct) => k.GetEventsAsync(new KlaviyoQuery().PageSize(1), ct)),
        ("profiles", "profiles:read, profiles:write, subscriptions:write", (k, ct) => k.GetProfilesAsync(new KlaviyoQuery().PageSize(1), ct)),
        ("lists", "lists:read, lists:write", (k, ct) => k.GetListsAsync(new KlaviyoQuery(), ct)),
        ("segments", "segments:read", (k, ct) => k.GetSegmentsAsync(new KlaviyoQuery(), ct)),
        ("metrics", "metrics:read", (k, ct) => k.GetMetricsAsync(new KlaviyoQuery(), ct)),
        ("campaigns", "campaigns:read", (k, ct) => k.GetCampaignsAsync(new KlaviyoQuery().Filter(new KlaviyoFilter().Equal("messages.channel", "email").ToString()), ct)),
        ("flows", "flows:read, flows:write", (k, ct) => k.GetFlowsAsync(new KlaviyoQuery(), ct)),
    ];

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
        foreach (var (toolset, scopes, probe) in s_probes)
        {
            try
            {
                await probe(klaviyo, cancellationToken).ConfigureAwait(false);
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
}
