using Klaviyo.Mcp.Http;

namespace Klaviyo.Mcp;

/// <summary>The command line: stdio (the default) or <c>serve</c>, flags that override the environment, and --help / --version, which print and exit.</summary>
public sealed record CommandLine(IReadOnlyDictionary<string, string?> Overrides, bool Help, bool Version, string? Error)
{
    private const string Indent = "                         ";

    /// <summary>
    /// The text of <c>--help</c>. The toolsets come from <see cref="Toolsets"/> (the small embedded toolsets file, not the
    /// operation catalogue), so a new toolset or API area appears here without an edit; built only when asked for.
    /// </summary>
    public static string Usage => $"""
        klaviyo-mcp: an MCP server for Klaviyo, speaking JSON-RPC over stdio, or Streamable HTTP with serve.

        Usage: klaviyo-mcp [options]                      one session over stdio (what desktop clients run)
               klaviyo-mcp serve [--port N] [--host IP] [options]
                                                         Streamable HTTP at /mcp for a team, behind any load balancer;
                                                         needs KLAVIYO_HTTP_TOKENS_FILE or KLAVIYO_HTTP_ACCEPT_KLAVIYO_KEYS=true
                                                         (or KLAVIYO_HTTP_AUTH=oidc or klaviyo: sign-in)
               klaviyo-mcp doctor                        check the key, the account and each toolset's scopes

        Options:
          --read-only            offer only tools that read (also KLAVIYO_READ_ONLY=true)
          --drafts-only          nothing irreversible and nothing that reaches people: no sends, no flows set live,
                                 no deletes, unsubscribes or suppressions, no destructive call_operation
                                 (also KLAVIYO_DRAFTS_ONLY=true)
          --no-confirm           do not ask the person before sends and deletes: for unattended automation
                                 only (also KLAVIYO_CONFIRM=false)
          --no-user-content      leave out what people outside the account wrote (profile names and properties,
                                 event properties, reviews) and the event tools (also KLAVIYO_ALLOW_USER_CONTENT=false)
          --toolsets LIST        offer only these toolsets, comma-separated (also KLAVIYO_TOOLSETS):
        {Wrap(Toolsets.All.Keys.Order(StringComparer.Ordinal))}
                                 or API areas only call_operation reaches (naming one brings the api tools):
        {Wrap(Toolsets.Areas.Values.Except(Toolsets.All.Keys).Order(StringComparer.Ordinal))}
          --tools LIST           offer only these tools, comma-separated (also KLAVIYO_TOOLS)
          --port N               serve: the port to listen on (also KLAVIYO_HTTP_PORT; default 8080)
          --host IP              serve: the address to listen on (also KLAVIYO_HTTP_HOST; default 127.0.0.1)
          --version              print the version and exit
          --help                 print this help and exit

        The API key comes from KLAVIYO_API_KEY (or PRIVATE_API_KEY); serve takes each caller's key from their token.
        Every environment variable: docs/configuration.md in the repository.
        """;

    /// <summary>True for <c>klaviyo-mcp serve</c>: Streamable HTTP instead of stdio.</summary>
    public bool Serve { get; init; }

    public static CommandLine Parse(string[] args)
    {
        var overrides = new Dictionary<string, string?>();
        var serve = args is ["serve", ..];
        for (var i = serve ? 1 : 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            string? Value() => inline ?? (i + 1 < args.Length ? args[++i] : null);
            switch (name)
            {
                case "--help" or "-h":
                    return new CommandLine(overrides, Help: true, Version: false, Error: null);
                case "--version":
                    return new CommandLine(overrides, Help: false, Version: true, Error: null);
                case "--read-only":
                    overrides[ServerSettings.ReadOnlyVariable] = "true";
                    break;
                case "--drafts-only":
                    overrides[ServerSettings.DraftsOnlyVariable] = "true";
                    break;
                case "--no-user-content":
                    overrides[ServerSettings.AllowUserContentVariable] = "false";
                    break;
                case "--no-confirm":
                    overrides[ServerSettings.ConfirmVariable] = "false";
                    break;
                case "--toolsets" or "--tools":
                    var list = Value();
                    if (string.IsNullOrWhiteSpace(list))
                    {
                        return new CommandLine(overrides, false, false, $"{name} needs a comma-separated list");
                    }

                    overrides[name == "--tools" ? ServerSettings.ToolsVariable : ServerSettings.ToolsetsVariable] = list;
                    break;
                case "--port" or "--host" when serve:
                    var value = Value();
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        return new CommandLine(overrides, false, false, $"{name} needs a value") { Serve = serve };
                    }

                    overrides[name == "--port" ? HttpServeSettings.PortVariable : HttpServeSettings.HostVariable] = value;
                    break;
                case "--port" or "--host":
                    return new CommandLine(overrides, false, false, $"{name} is an option of serve (klaviyo-mcp serve {name} ...)");
                default:
                    return new CommandLine(overrides, false, false, $"unknown option \"{args[i]}\"") { Serve = serve };
            }
        }

        return new CommandLine(overrides, false, false, null) { Serve = serve };
    }

    /// <summary>Names separated by commas, in lines of at most 110 characters indented under the options' descriptions.</summary>
    private static string Wrap(IEnumerable<string> names)
    {
        var lines = new List<string>();
        var line = Indent;
        foreach (var name in names)
        {
            if (line.Length > Indent.Length && line.Length + name.Length + 2 > 110)
            {
                lines.Add(line.TrimEnd());
                line = Indent;
            }

            line += name + ", ";
        }

        lines.Add(line.TrimEnd().TrimEnd(','));
        return string.Join("\n", lines);
    }
}
