using System.Globalization;
using System.Reflection;
using Klaviyo.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp;

/// <summary>
/// Everything the server reads from its environment, in one place. docs/configuration.md lists the same
/// variables; a value that cannot be used is a startup error that names the variable.
/// </summary>
public sealed record ServerSettings
{
    public const string ApiKeyVariable = "KLAVIYO_API_KEY";
    public const string AlternateApiKeyVariable = "PRIVATE_API_KEY";
    public const string BaseUrlVariable = "KLAVIYO_BASE_URL";
    public const string RevisionVariable = "KLAVIYO_REVISION";
    public const string LogLevelVariable = "KLAVIYO_LOG_LEVEL";
    public const string MaxRetriesVariable = "KLAVIYO_MAX_RETRIES";
    public const string MaxRetryAfterVariable = "KLAVIYO_MAX_RETRY_AFTER_SECONDS";
    public const string AttemptTimeoutVariable = "KLAVIYO_ATTEMPT_TIMEOUT_SECONDS";
    public const string TotalTimeoutVariable = "KLAVIYO_TOTAL_TIMEOUT_SECONDS";
    public const string ResultBudgetVariable = "KLAVIYO_RESULT_BUDGET_BYTES";
    public const string ImportRootsVariable = "KLAVIYO_IMPORT_ROOTS";
    public const string ReadOnlyVariable = "KLAVIYO_READ_ONLY";
    public const string ToolsetsVariable = "KLAVIYO_TOOLSETS";
    public const string ToolsVariable = "KLAVIYO_TOOLS";
    public const string MaxRateLimitWaitVariable = "KLAVIYO_MAX_RATE_LIMIT_WAIT_SECONDS";
    public const string ImportStateDirectoryVariable = "KLAVIYO_IMPORT_STATE_DIR";
    public const string ConfirmVariable = "KLAVIYO_CONFIRM";
    public const string DraftsOnlyVariable = "KLAVIYO_DRAFTS_ONLY";
    public const string AllowUserContentVariable = "KLAVIYO_ALLOW_USER_CONTENT";

    public static string ServerVersion { get; } =
        typeof(ServerSettings).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public string? ApiKey { get; init; }

    public Uri BaseUrl { get; init; } = KlaviyoClientOptions.DefaultBaseUrl;

    public string Revision { get; init; } = KlaviyoClientOptions.DefaultRevision;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public int MaxRetryAttempts { get; init; } = 4;

    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(40);

    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest one ordinary call may take: waiting for a rate-limit permit, then every attempt and retry.</summary>
    public TimeSpan CallBudget => MaxRateLimitWait + TotalTimeout;

    /// <summary>Folders import_events may read; empty means the defaults (working directory and home).</summary>
    public IReadOnlyList<string> ImportRoots { get; init; } = [];

    /// <summary>Where import checkpoints go; null means beside the input file.</summary>
    public string? ImportStateDirectory { get; init; }

    /// <summary>The server's own restrictions (read-only, drafts-only, toolsets, tools), which <see cref="Access.AccessPolicy"/> applies.</summary>
    public Access.AccessRestrictions Access { get; init; } = Klaviyo.Mcp.Access.AccessRestrictions.None;

    /// <summary>Whether sends, deletes and other irreversible calls are confirmed by the person first (<see cref="Confirmation.ConfirmationGate"/>).</summary>
    public bool Confirm { get; init; } = true;

    /// <summary>The most bytes one tool result may take.</summary>
    public int ResultBudgetBytes { get; init; } = Output.ResultBudget.DefaultMaxBytes;

    /// <summary>Reads the variables; throws <see cref="ServerConfigurationException"/> listing every unusable one.</summary>
    public static ServerSettings Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        var defaults = new ServerSettings();
        var settings = new ServerSettings
        {
            ApiKey = NonEmpty(configuration[ApiKeyVariable]) ?? NonEmpty(configuration[AlternateApiKeyVariable]),
            BaseUrl = ReadUrl(configuration[BaseUrlVariable], problems) ?? defaults.BaseUrl,
            Revision = NonEmpty(configuration[RevisionVariable]) ?? defaults.Revision,
            LogLevel = ReadLogLevel(configuration[LogLevelVariable], problems) ?? defaults.LogLevel,
            MaxRetryAttempts = ReadNumber(configuration, MaxRetriesVariable, 0, 10, problems) is { } retries ? (int)retries : defaults.MaxRetryAttempts,
            MaxRetryAfter = ReadSeconds(configuration, MaxRetryAfterVariable, 0, 3600, problems) ?? defaults.MaxRetryAfter,
            AttemptTimeout = ReadSeconds(configuration, AttemptTimeoutVariable, 0.1, 600, problems) ?? defaults.AttemptTimeout,
            TotalTimeout = ReadSeconds(configuration, TotalTimeoutVariable, 0.1, 3600, problems) ?? defaults.TotalTimeout,
            MaxRateLimitWait = ReadSeconds(configuration, MaxRateLimitWaitVariable, 0, 3600, problems) ?? defaults.MaxRateLimitWait,
            ResultBudgetBytes = ReadNumber(configuration, ResultBudgetVariable, 4_000, 10_000_000, problems) is { } budget ? (int)budget : defaults.ResultBudgetBytes,
            ImportRoots = NonEmpty(configuration[ImportRootsVariable]) is { } roots
                ? [.. roots.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath)]
                : [],
            ImportStateDirectory = NonEmpty(configuration[ImportStateDirectoryVariable]) is { } state ? Path.GetFullPath(state) : null,
            Access = Klaviyo.Mcp.Access.AccessRestrictions.From(
                ReadFlag(configuration, ReadOnlyVariable, problems), ReadFlag(configuration, DraftsOnlyVariable, problems), configuration[ToolsetsVariable], configuration[ToolsVariable], problems,
                noUserContent: !ReadFlag(configuration, AllowUserContentVariable, problems, defaultValue: true)),
            Confirm = ReadFlag(configuration, ConfirmVariable, problems, defaultValue: true),
        };

        if (!KlaviyoRevision.IsValid(settings.Revision))
        {
            problems.Add($"{RevisionVariable}: \"{settings.Revision}\" is not a Klaviyo revision (YYYY-MM-DD, optionally with a suffix such as .pre)");
        }

        if (problems.Count > 0)
        {
            throw new ServerConfigurationException(problems);
        }

        return settings;
    }

    public void ApplyTo(KlaviyoClientOptions options)
    {
        options.ApiKey = ApiKey;
        options.BaseUrl = BaseUrl;
        options.Revision = Revision;
        options.UserAgent = $"klaviyo-mcp/{ServerVersion} (Klaviyo.Mcp; .NET {Environment.Version.ToString(2)})";
        options.MaxRetryAttempts = MaxRetryAttempts;
        options.MaxRetryAfter = MaxRetryAfter;
        options.AttemptTimeout = AttemptTimeout;
        options.TotalTimeout = TotalTimeout;
        options.MaxRateLimitWait = MaxRateLimitWait;
    }

    /// <summary>A warning worth printing at startup (never the key itself), or null.</summary>
    public string? ApiKeyWarning() => ApiKey switch
    {
        null => $"No Klaviyo API key: set {ApiKeyVariable} (or {AlternateApiKeyVariable}). The server starts and lists its tools, but every Klaviyo call will fail until a key is set.",
        { } key when !key.StartsWith("pk_", StringComparison.Ordinal) => $"{ApiKeyVariable} does not look like a Klaviyo private API key (they start with \"pk_\"); calls will likely fail with 401.",
        _ => null,
    };

    internal static bool ReadFlag(IConfiguration configuration, string variable, List<string> problems, bool defaultValue = false)
    {
        var text = NonEmpty(configuration[variable]);
        if (text is null)
        {
            return defaultValue;
        }

        if (text is "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (text is "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        problems.Add($"{variable}: \"{text}\" must be true or false");
        return false;
    }

    internal static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ReadUrl(string? value, List<string> problems)
    {
        if (NonEmpty(value) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
        {
            return url;
        }

        problems.Add($"{BaseUrlVariable}: \"{text}\" is not an absolute http(s) URL such as https://a.klaviyo.com");
        return null;
    }

    private static LogLevel? ReadLogLevel(string? value, List<string> problems)
    {
        if (NonEmpty(value) is not { } text)
        {
            return null;
        }

        if (Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level))
        {
            return level;
        }

        problems.Add($"{LogLevelVariable}: \"{text}\" is not one of Trace, Debug, Information, Warning, Error, Critical, None");
        return null;
    }

    internal static double? ReadNumber(IConfiguration configuration, string variable, double min, double max, List<string> problems)
    {
        if (NonEmpty(configuration[variable]) is not { } text)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        problems.Add($"{variable}: \"{text}\" must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }

    private static TimeSpan? ReadSeconds(IConfiguration configuration, string variable, double min, double max, List<string> problems) =>
        ReadNumber(configuration, variable, min, max, problems) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
}
