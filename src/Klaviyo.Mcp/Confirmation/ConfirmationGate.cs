using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Confirmation;

/// <summary>
/// The one place a person confirms what reaches real people or cannot be undone (send_campaign, deletes, global
/// unsubscribes, suppressions, a flow set live, a destructive call_operation). A tool calls <see cref="ConfirmAsync"/> with
/// a summary once its arguments are valid and before it sends anything; it proceeds only when that returns null.
/// <list type="bullet">
/// <item>A client that declared elicitation is asked through <c>elicitation/create</c> (form mode) with the summary and one
/// boolean <c>confirm</c>: accept with <c>confirm: true</c> proceeds; anything else is a declined result.</item>
/// <item>Otherwise the first call returns the summary and a <c>confirmation_token</c>: an HMAC (per-process random key) over
/// the tool, the canonical JSON of its arguments (minus the token) and an expiry 10 minutes out. The same call repeated
/// with the token proceeds, once. A token reused, expired or given with other arguments is an argument error.</item>
/// </list>
/// </summary>
public sealed class ConfirmationGate(ConfirmationOptions options, TimeProvider time)
{
    public const string TokenArgument = "confirmation_token";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>
    /// Asks the person to confirm <paramref name="summary"/> for the call in <paramref name="request"/>. Null means go on;
    /// otherwise the result to return as is (declined, or the summary with a token), nothing having been sent.
    /// </summary>
    public async Task<CallToolResult?> ConfirmAsync(RequestContext<CallToolRequestParams> request, string summary, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var tool = request.Params?.Name ?? "";
        var arguments = request.Params?.Arguments;
        var token = arguments is not null && arguments.TryGetValue(TokenArgument, out var given) && given.ValueKind == JsonValueKind.String ? given.GetString() : null;
        var canonical = Canonical(arguments);
        if (!string.IsNullOrWhiteSpace(token))
        {
            Redeem(tool, canonical, token.Trim());
            return null;
        }

        if (CanElicit(request.Server))
        {
            try
            {
                var answer = await request.Server.ElicitAsync(Question(summary), cancellationToken).ConfigureAwait(false);
                return answer.IsAccepted && answer.Content is { } content && content.TryGetValue("confirm", out var confirm) && confirm.ValueKind == JsonValueKind.True
                    ? null
                    : Declined(summary, answer.Action);
            }
            catch (McpException)
            {
                // The client declared elicitation but could not ask: fall back to the token, which still needs the person's yes.
            }
        }

        return Issue(tool, canonical, summary);
    }

    /// <summary>Whether <paramref name="server"/>'s client can show a form (an empty elicitation capability means form mode).</summary>
    public static bool CanElicit(McpServer server) =>
        server.ClientCapabilities?.Elicitation is { } elicitation && (elicitation.Form is not null || elicitation.Url is null);

    /// <summary>The arguments as canonical JSON: members sorted by name at every level, nulls and the token left out.</summary>
    public static string Canonical(IDictionary<string, JsonElement>? arguments)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in (arguments ?? new Dictionary<string, JsonElement>()).Where(a => a.Key != TokenArgument && a.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)).OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                Write(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject().Where(m => m.Value.ValueKind != JsonValueKind.Null).OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static ElicitRequestParams Question(string summary) => new()
    {
        Mode = "form",
        Message = summary + "\n\nConfirm to go ahead; decline and nothing is sent.",
        RequestedSchema = new ElicitRequestParams.RequestSchema
        {
            Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>
            {
                ["confirm"] = new ElicitRequestParams.BooleanSchema { Title = "Confirm", Description = "Yes, do this.", Default = false },
            },
            Required = ["confirm"],
        },
    };

    private static CallToolResult Declined(string summary, string action) => ToolResults.Success(
        new JsonObject
        {
            ["confirmed"] = false,
            ["result"] = $"The person did not confirm ({(action == "accept" ? "confirm was not true" : action)}); nothing was sent to Klaviyo.",
            ["summary"] = summary,
        },
        KlaviyoMcpJsonContext.Default.JsonObject);

    private CallToolResult Issue(string tool, string canonical, string summary)
    {
        var expires = time.GetUtcNow() + ConfirmationOptions.TokenLifetime;
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var expiry = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var token = $"{expiry}.{nonce}.{Mac(tool, canonical, expiry, nonce)}";
        return ToolResults.Success(
            new JsonObject
            {
                ["confirmation_required"] = true,
                ["summary"] = summary,
                [TokenArgument] = token,
                ["expires_at"] = expires.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["note"] = $"Nothing was sent. Show the summary to the person and wait for their yes; then repeat this call with the same arguments plus {TokenArgument}. It works once, for these arguments, for 10 minutes.",
            },
            KlaviyoMcpJsonContext.Default.JsonObject);
    }

    private void Redeem(string tool, string canonical, string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(tool, canonical, parts[0], parts[1])), Encoding.ASCII.GetBytes(parts[2])))
        {
            throw new ToolArgumentException(TokenArgument,
                $"does not match this call: a token is issued for one tool with exactly the arguments of the call that returned it. Call {tool} without {TokenArgument} to get the summary for these arguments, and confirm it with the person");
        }

        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(expirySeconds);
        if (now >= expires)
        {
            throw new ToolArgumentException(TokenArgument,
                $"expired at {expires.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} (tokens last 10 minutes). Call {tool} without {TokenArgument} for a new summary, and confirm it with the person again");
        }

        foreach (var (old, until) in _used)
        {
            if (until <= now)
            {
                _used.TryRemove(old, out _);
            }
        }

        if (!_used.TryAdd(parts[1], expires))
        {
            throw new ToolArgumentException(TokenArgument,
                $"was already used: a token confirms one call. Call {tool} without {TokenArgument} for a new summary, and confirm it with the person again");
        }
    }

    private string Mac(string tool, string canonical, string expiry, string nonce) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{tool}\n{canonical}\n{expiry}\n{nonce}")));
}
