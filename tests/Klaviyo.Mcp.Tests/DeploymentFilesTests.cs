using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// The Dockerfile, compose.yaml and deploy/ describe the configuration ScaleOutTests runs (three serve replicas, team
/// tokens, rate limits in Redis, a round-robin load balancer): they are held to the variables the server reads and to
/// its limits, since they are not run here.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static string Read(string path) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, path));

    [Fact]
    public void Compose_runs_three_serve_replicas_with_team_tokens_and_Redis_behind_nginx()
    {
        var compose = Read("compose.yaml");

        Assert.Contains("replicas: 3", compose, StringComparison.Ordinal);
        Assert.Contains($"{HttpServeSettings.TokensFileVariable}: /config/tokens.json", compose, StringComparison.Ordinal);
        Assert.Contains($"{HttpServeSettings.RedisVariable}: redis:6379", compose, StringComparison.Ordinal);
        Assert.Contains("image: nginx:", compose, StringComparison.Ordinal);
        Assert.Contains("image: redis:7", compose, StringComparison.Ordinal);
        Assert.Contains("source: ./deploy/tokens.json", compose, StringComparison.Ordinal);

        var read = typeof(ServerSettings).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(HttpServeSettings).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.Name.EndsWith("Variable", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.All(Variable().Matches(compose).Select(m => m.Groups[1].Value), v => Assert.Contains(v, read));
    }

    [Fact]
    public void Nginx_balances_over_the_replicas_with_the_servers_body_limit_and_streams_answers()
    {
        var nginx = Read("deploy/nginx.conf");

        Assert.Contains("server klaviyo-mcp:8080;", nginx, StringComparison.Ordinal);
        Assert.Contains($"client_max_body_size {HttpServeSettings.MaxRequestBodyBytes / (1024 * 1024)}m;", nginx, StringComparison.Ordinal);
        Assert.Contains("proxy_buffering off;", nginx, StringComparison.Ordinal);
        Assert.DoesNotContain("ip_hash", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_is_the_native_AOT_build_running_serve_on_all_interfaces()
    {
        var dockerfile = Read("Dockerfile");

        Assert.Contains("dotnet publish src/Klaviyo.Mcp -c Release -r linux-x64", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"{HttpServeSettings.HostVariable}=0.0.0.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/klaviyo-mcp\", \"serve\"]", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_example_tokens_file_has_the_shape_serve_reads()
    {
        var document = JsonSerializer.Deserialize(Read("deploy/tokens.example.json"), ServeJsonContext.Default.TeamTokensDocument)!;

        Assert.NotEmpty(document.Tokens!);
        Assert.All(document.Tokens!, t => Assert.True(document.Accounts!.ContainsKey(t.Account!)));
    }

    [GeneratedRegex(@"\b(KLAVIYO_[A-Z_]+):")]
    private static partial Regex Variable();
}
