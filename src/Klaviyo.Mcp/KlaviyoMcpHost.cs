using System.Net;
using Klaviyo.Client.RateLimiting;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.Logging;
using Klaviyo.Mcp.OAuth;
using Klaviyo.Mcp.Redis;
using Klaviyo.Mcp.Stdio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp;

/// <summary>
/// The one composition root: the server of <see cref="KlaviyoMcpServer"/> on a host, over stdio or over Streamable HTTP
/// (<c>klaviyo-mcp serve</c>). Program runs what these build, and the tests build their servers here too, so that what
/// is tested is what runs.
/// </summary>
public static class KlaviyoMcpHost
{
    /// <summary>
    /// stdio: the lean host (<c>Host.CreateEmptyApplicationBuilder</c>) around the SDK's stream transport on
    /// <paramref name="input"/> and <paramref name="output"/>; logs on stderr only. The session ends at the end of input,
    /// once every request already read is answered (at most one call's budget), or at once on SIGTERM, SIGINT or
    /// SIGQUIT; either way the host stops and the process exits with 0. <paramref name="configure"/> runs last (tests
    /// replace the logging there).
    /// </summary>
    public static IHost CreateStdio(ServerSettings settings, Stream input, Stream output, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        AddLogging(builder.Logging, settings.LogLevel);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        configure?.Invoke(builder);

        // At the end of input the session waits for the answers still owed, unless the host is stopping (a signal).
        var stopping = new CancellationTokenSource();
        var pending = new PendingRequests();
        builder.Services.AddKlaviyoMcpServer(settings).WithStreamServerTransport(
            new AnsweringInputStream(input, pending, settings.CallBudget, stopping.Token),
            new AnswerObservingOutputStream(output, pending));

        var host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.Cancel);
        if (settings.ApiKeyWarning() is { } warning)
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Klaviyo.Mcp").LogWarning("{Warning}", warning);
        }

        return host;
    }

    /// <summary>
    /// <c>klaviyo-mcp serve</c>: <c>WebApplication.CreateSlimBuilder</c> with the SDK's Streamable HTTP transport at
    /// <c>/mcp</c> in stateless mode (any replica answers any request), bearer authentication in front of it,
    /// <c>GET /healthz</c>, and the protected-resource metadata. Every Klaviyo call uses the key of the request's caller:
    /// <c>KLAVIYO_API_KEY</c> is never used here. <paramref name="configure"/> runs last (tests replace the logging there).
    /// </summary>
    public static WebApplication CreateHttp(ServerSettings settings, HttpServeSettings http, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        AddLogging(builder.Logging, settings.LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (http.Host == "localhost")
            {
                kestrel.ListenLocalhost(http.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(http.Host), http.Port);
            }

            // Slow clients cannot hold the server: headers within 10 s, bodies and responses at 240 bytes/s or more.
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = HttpServeSettings.MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
            kestrel.Limits.MinResponseDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
        });

        var concurrency = new CallerConcurrency(http.MaxConcurrentCalls);
        var instructions = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        builder.Services.AddSingleton(http);
        builder.Services.AddSingleton(concurrency);
        builder.Services.AddSingleton<OriginValidation>();
        builder.Services.AddSingleton<BearerAuthentication>();
        if (http.Oidc is { } oidc)
        {
            builder.Services.AddSingleton<OidcAuthentication>();
            OidcJwtBearer.Add(builder.Services, oidc);
        }

        if (http.KlaviyoOAuth is { } signIn)
        {
            builder.Services.AddSingleton(signIn);
            builder.Services.AddSingleton<IOAuthStore>(services => http.Redis is null
                ? new InMemoryOAuthStore(services.GetService<TimeProvider>() ?? TimeProvider.System)
                : new RedisOAuthStore(services.GetRequiredService<RedisRateLimitStore>(), services.GetService<TimeProvider>() ?? TimeProvider.System));
            builder.Services.AddSingleton(services => new OAuthClients(signIn.AllowLoopbackClients, services.GetRequiredService<IOAuthStore>()));
            builder.Services.AddSingleton(services => new OAuthGrants(services.GetRequiredService<IOAuthStore>(), services.GetService<TimeProvider>() ?? TimeProvider.System, signIn.AccessTokenLifetime));
            builder.Services.AddSingleton(new TokenSealer(signIn.ClientId, signIn.ClientSecret));
            builder.Services.AddHttpClient(nameof(KlaviyoTokenClient), client => client.Timeout = KlaviyoTokenClient.RequestTimeout);
            builder.Services.AddScoped<KlaviyoSignInRenewal>();
            builder.Services.AddSingleton(services => new KlaviyoTokenClient(
                services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(KlaviyoTokenClient)), signIn, services.GetService<TimeProvider>() ?? TimeProvider.System));
            builder.Services.AddSingleton(services => new KlaviyoSignIn(
                signIn,
                settings,
                services.GetRequiredService<OAuthClients>(),
                services.GetRequiredService<OAuthGrants>(),
                services.GetRequiredService<IOAuthStore>(),
                services.GetRequiredService<KlaviyoTokenClient>(),
                services.GetRequiredService<TokenSealer>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetRequiredService<ILogger<KlaviyoSignIn>>()));
            builder.Services.AddSingleton<KlaviyoSignInAuthentication>();
        }

        if (http.Redis is { } redis)
        {
            builder.Services.AddSingleton(services => new RedisRateLimitStore(redis, services.GetRequiredService<ILogger<RedisRateLimitStore>>()));
            builder.Services.AddSingleton<ISharedRateLimitStore>(services => services.GetRequiredService<RedisRateLimitStore>());
            builder.Services.AddSingleton<Confirmation.ConfirmationLedger>(services => new RedisConfirmationLedger(services.GetRequiredService<RedisRateLimitStore>(), services.GetRequiredService<TimeProvider>()));
        }

        configure?.Invoke(builder);

        builder.Services.AddKlaviyoMcpServer(settings with { ApiKey = null }, AccessPolicy.ForServer(settings, http))
            .WithHttpTransport(transport =>
            {
                transport.Stateless = true;
                // Each request's server names in its instructions only the tools its caller may use. Callers differ only by
                // their own restrictions, so the text is built once per caller that has some, and once for the rest.
                transport.ConfigureSessionOptions = (context, options, _) =>
                {
                    var access = context.RequestServices.GetRequiredService<AccessPolicy>();
                    options.ServerInstructions = instructions.GetOrAdd(
                        access.InstructionsKey,
                        _ => access.Instructions(context.RequestServices.GetServices<ModelContextProtocol.Server.McpServerTool>().Select(t => t.ProtocolTool)));
                    return Task.CompletedTask;
                };
            });

        // Stateless: the server's options are asked for on every request; configure them once, copy them per request.
        builder.Services.AddSingleton<IOptionsFactory<McpServerOptions>, ConfiguredOnceServerOptions>();

        var app = builder.Build();
        var origins = app.Services.GetRequiredService<OriginValidation>();
        app.Use(next => context => origins.InvokeAsync(context, next));
        if (http.KlaviyoOAuth is not null)
        {
            var signInAuthentication = app.Services.GetRequiredService<KlaviyoSignInAuthentication>();
            app.Use(next => context => signInAuthentication.InvokeAsync(context, next));
            app.Services.GetRequiredService<KlaviyoSignIn>().Map(app);
        }
        else if (http.Oidc is not null)
        {
            var oidcAuthentication = app.Services.GetRequiredService<OidcAuthentication>();
            app.Use(next => context => oidcAuthentication.InvokeAsync(context, next));
        }
        else
        {
            var authentication = app.Services.GetRequiredService<BearerAuthentication>();
            app.Use(next => context => authentication.InvokeAsync(context, next));
        }

        app.MapGet("/healthz", (RequestDelegate)(context =>
            context.Response.WriteAsJsonAsync(new HealthStatus("ok", KlaviyoMcpServer.ServerName, ServerSettings.ServerVersion), ServeJsonContext.Default.HealthStatus)));
        var metadata = (RequestDelegate)(context =>
        {
            var baseUrl = BearerAuthentication.BaseUrl(http, context.Request);
            return context.Response.WriteAsJsonAsync(
                new ProtectedResourceMetadata(
                    baseUrl + BearerAuthentication.McpPath,
                    "Klaviyo MCP server",
                    ["header"],
                    http.Oidc is { } issuer ? [issuer.Issuer] : http.KlaviyoOAuth is { } signInIssuer ? [signInIssuer.Issuer] : null,
                    http.Oidc is { } scopes ? [scopes.ReadScope, scopes.WriteScope] : null),
                ServeJsonContext.Default.ProtectedResourceMetadata);
        });
        app.MapGet(BearerAuthentication.ResourceMetadataPath, metadata);
        app.MapGet(BearerAuthentication.ResourceMetadataPath + BearerAuthentication.McpPath, metadata);
        app.MapMcp(BearerAuthentication.McpPath);

        // Connect to Redis now, not on the first call.
        app.Services.GetService<RedisRateLimitStore>();
        app.Logger.LogInformation(
            "{Server} {Version} serve: authentication by {Mode}; rate limits {Limits}; imports over HTTP {Imports}",
            KlaviyoMcpServer.ServerName,
            ServerSettings.ServerVersion,
            http.KlaviyoOAuth is { } oauthApp ? $"sign in with Klaviyo ({oauthApp})"
                : http.Oidc is { } identity ? $"access tokens of {identity.Issuer} ({http.Tokens?.Principals.Count} principal(s))"
                : http.Tokens is { } tokens ? $"{tokens.Tokens.Count} team token(s)" : "each caller's own Klaviyo key",
            http.Redis is null ? "counted in this process" : "shared through Redis",
            http.AllowImports ? "allowed" : "off");
        return app;
    }

    private static void AddLogging(ILoggingBuilder logging, LogLevel level)
    {
        // The console logger, on stderr only (over stdio, stdout carries JSON-RPC and nothing else), set up on its first entry.
        logging.Services.AddSingleton<ILoggerProvider>(_ => new DeferredConsoleLoggerProvider());
        logging.SetMinimumLevel(level);

        // HttpClient, Polly and ASP.NET Core narrate every request; keep them for Debug and Trace (header values are redacted).
        var narration = level <= LogLevel.Debug ? level : LogLevel.Warning;
        logging.AddFilter("System.Net.Http.HttpClient", narration);
        logging.AddFilter("Polly", level <= LogLevel.Debug ? level : LogLevel.Error);
        logging.AddFilter("Microsoft.AspNetCore", narration);
        // Its request lines carry query strings: the sign-in callback's code and state. Never below Warning.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
    }
}
