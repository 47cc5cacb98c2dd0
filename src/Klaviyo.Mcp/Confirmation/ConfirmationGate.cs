using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Confirmation;

/// <summary>
/// The one place a person confirms what reaches real people or cannot be undone (send_campaign, deletes, global
/// unsubscribes, suppressions, a flow set live, a destructive call_operation). A tool calls <see cref="ConfirmAsync"/> with
/// a summary once its arguments are valid and before it sends anything; it proceeds only when that returns null.
/// <list type="bullet">
/// <item>A client on revision 2026-07-28 that declared elicitation is asked through a multi round-trip request: the call
/// answers <c>input_required</c> with one <c>elicitation/create</c> (the summary and one boolean <c>confirm</c>) and a signed
/// <c>requestState</c>; the client asks the person and repeats the call with the answer. This holds on stateless HTTP,
/// where the server cannot send requests of its own, and any replica can check the state.</item>
/// <item>A 2025 client that declared elicitation is asked through <c>elicitation/create</c> where the transport allows
/// server requests (stdio); over stateless HTTP it gets the token below.</item>
/// <item>Otherwise the first call returns the summary and a <c>confirmation_token</c>: an HMAC over the tool, the caller,
/// the canonical JSON of its arguments (minus the token) and an expiry 10 minutes out. The same call repeated with the
/// token proceeds, once. A token reused, expired or given with other arguments is an argument error.</item>
/// </list>
/// Accept with <c>confirm: true</c> proceeds; decline, cancel or anything else is a normal result saying nothing was
/// sent. Nothing in the data a tool read can confirm anything: only a token or state this server signed for exactly
/// this call, or the person's answer. The HMAC key is derived from the Klaviyo key the call uses (so every replica
/// serving that account checks it alike, and a key no one else holds is needed to forge one); for a person signed in
/// with Klaviyo, from the OAuth app's client secret and their Klaviyo account
/// (<see cref="KlaviyoOAuthSettings.ConfirmationKey"/>); else a per-process key.
/// </summary>
public sealed class ConfirmationGate(ConfirmationOptions options, TimeProvider time, ConfirmationLedger ledger)
{
    public const string TokenArgument = "confirmation_token";

    /// <summary>The key of the one input request a confirmation makes.</summary>
    public const string InputKey = "confirm";

    private readonly byte[] _processKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// Asks the person to confirm <paramref name="summary"/> for the call in <paramref name="request"/>. Null means go on;
    /// otherwise the result to return as is (declined, or the summary with a token), nothing having been sent. For a
    /// 2026-07-28 client that can elicit it throws <see cref="InputRequiredException"/> (the SDK answers input_required).
    /// </summary>
    public async Task<CallToolResult?> ConfirmAsync(RequestContext<CallToolRequestParams> request, string summary, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(request, summary, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            ConfirmationScope.Current?.Confirm();
        }

        return answer;
    }

    private async Task<CallToolResult?> AskAsync(RequestContext<CallToolRequestParams> request, string summary, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var tool = request.Params?.Name ?? "";
        var arguments = request.Params?.Arguments;
        var token = arguments is not null && arguments.TryGetValue(TokenArgument, out var given) && given.ValueKind == JsonValueKind.String ? given.GetString() : null;
        var call = new Call(tool, Caller(request.Services), Canonical(arguments), Key(request.Services));
        if (!string.IsNullOrWhiteSpace(token))
        {
            await RedeemAsync(call, "token", token.Trim(), TokenArgument, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (request.Params?.RequestState is { Length: > 0 } state)
        {
            // The retry of a multi round-trip confirmation: the state is ours for exactly this call, and the answer the person's.
            await RedeemAsync(call, "state", state, "requestState", cancellationToken).ConfigureAwait(false);
            var answer = request.Params.InputResponses is { } responses && responses.TryGetValue(InputKey, out var response)
                ? response.Deserialize(InputResponse.ElicitResultJsonTypeInfo)
                : null;
            return Confirmed(answer) ? null : Declined(summary, answer?.Action ?? "cancel");
        }

        if (CanElicit(request.Server))
        {
            if (request.Server.IsMrtrSupported)
            {
                throw new InputRequiredException(
                    new Dictionary<string, InputRequest> { [InputKey] = InputRequest.ForElicitation(Question(summary)) },
                    Sign(call, "state"));
            }

            try
            {
                var answer = await request.Server.ElicitAsync(Question(summary), cancellationToken).ConfigureAwait(false);
                return Confirmed(answer) ? null : Declined(summary, answer.Action);
            }
            catch (InvalidOperationException)
            {
                // Stateless HTTP takes no server requests (a 2025 client there): fall back to the token, which still
                // needs the person's yes.
            }
            catch (McpException)
            {
                // The client declared elicitation and then failed to ask (its handler erred, or the person dismissed it):
                // a decline, not a token the agent could redeem on its own.
                return Declined(summary, "error");
            }
        }

        return Issue(call, summary);
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
                // Nested nulls are kept: in a request body they clear a field, so a token for a body without them must not
                // confirm one with them. (Top-level nulls are arguments left out, and Canonical drops those.)
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
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

    private static bool Confirmed(ElicitResult? answer) =>
        answer is { IsAccepted: true, Content: { } content } && content.TryGetValue("confirm", out var confirm) && confirm.ValueKind == JsonValueKind.True;

    private static CallToolResult Declined(string summary, string action) => ToolResults.Success(
        new JsonObject
        {
            ["confirmed"] = false,
            ["result"] = $"The person did not confirm ({action switch { "accept" => "confirm was not true", "error" => "the client could not ask them", _ => action }}); nothing was sent to Klaviyo.",
            ["summary"] = summary,
        },
        ToolJsonContext.Default.JsonObject);

    private CallToolResult Issue(Call call, string summary)
    {
        var value = Sign(call, "token");
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(value.Split('.')[0], CultureInfo.InvariantCulture));
        return ToolResults.Success(
            new JsonObject
            {
                ["confirmation_required"] = true,
                ["summary"] = summary,
                [TokenArgument] = value,
                ["expires_at"] = expires.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["note"] = $"Nothing was sent. Show the summary to the person and wait for their yes; then repeat this call with the same arguments plus {TokenArgument}. It works once, for these arguments, for 10 minutes.",
            },
            ToolJsonContext.Default.JsonObject);
    }

    /// <summary>A token or request state for <paramref name="call"/>: expiry, nonce and the HMAC of both with the call and the purpose.</summary>
    private string Sign(Call call, string purpose)
    {
        var expiry = (time.GetUtcNow() + ConfirmationOptions.TokenLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return $"{expiry}.{nonce}.{Mac(call, purpose, expiry, nonce)}";
    }

    private async Task RedeemAsync(Call call, string purpose, string value, string argument, CancellationToken cancellationToken)
    {
        var tool = call.Tool;
        var parts = value.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(call, purpose, parts[0], parts[1])), Encoding.ASCII.GetBytes(parts[2])))
        {
            throw new ToolArgumentException(argument,
                $"does not match this call: a confirmation is issued for one tool with exactly the arguments of the call that asked for it. Call {tool} without {TokenArgument} to get the summary for these arguments, and confirm it with the person");
        }

        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(expirySeconds);
        if (now >= expires)
        {
            throw new ToolArgumentException(argument,
                $"expired at {expires.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} (confirmations last 10 minutes). Call {tool} without {TokenArgument} for a new summary, and confirm it with the person again");
        }

        if (!await ledger.TryUseAsync(parts[1], expires, cancellationToken).ConfigureAwait(false))
        {
            throw new ToolArgumentException(argument,
                $"was already used: a confirmation confirms one call. Call {tool} without {TokenArgument} for a new summary, and confirm it with the person again");
        }
    }

    private static string Mac(Call call, string purpose, string expiry, string nonce) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(call.Key, Encoding.UTF8.GetBytes($"{purpose}\n{call.Tool}\n{call.Caller}\n{call.Arguments}\n{expiry}\n{nonce}")));

    /// <summary>
    /// The HMAC key: for a person signed in with Klaviyo, derived from the secret every replica shares and their
    /// account; else from the Klaviyo key the request uses (a caller's over HTTP, else the configured one); else this process's.
    /// </summary>
    private byte[] Key(IServiceProvider? services)
    {
        var credentials = services?.GetService<KlaviyoCredentials>();
        if (credentials is { AccessToken.Length: > 0, Account.Length: > 0 } && services?.GetService<KlaviyoOAuthSettings>() is { } signIn)
        {
            return signIn.ConfirmationKey(credentials.Account);
        }

        var apiKey = credentials?.ApiKey is { Length: > 0 } own ? own : services?.GetService<IOptions<KlaviyoClientOptions>>()?.Value.ApiKey;
        return string.IsNullOrEmpty(apiKey)
            ? _processKey
            : HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiKey), "klaviyo-mcp confirmation v1"u8);
    }

    private static string Caller(IServiceProvider? services) => services?.GetService<RequestCaller>()?.Current?.Id ?? "";

    /// <summary>One call as a confirmation is bound to it.</summary>
    private sealed record Call(string Tool, string Caller, string Arguments, byte[] Key);
}
