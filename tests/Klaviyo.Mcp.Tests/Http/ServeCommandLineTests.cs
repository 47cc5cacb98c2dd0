using Klaviyo.Mcp.Http;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>klaviyo-mcp serve</c> on the command line, and what the built server does when it cannot serve.</summary>
public sealed class ServeCommandLineTests
{
    [Theory]
    [InlineData(new[] { "serve" }, true, null, null, null)]
    [InlineData(new[] { "serve", "--port", "9090", "--host=0.0.0.0", "--read-only" }, true, "9090", "0.0.0.0", null)]
    [InlineData(new[] { "--port", "9090" }, false, null, null, "--port is an option of serve (klaviyo-mcp serve --port ...)")]
    [InlineData(new[] { "serve", "--port" }, true, null, null, "--port needs a value")]
    [InlineData(new[] { "serve", "--verbose" }, true, null, null, "unknown option \"--verbose\"")]
    public void Serve_takes_a_port_and_a_host_besides_the_usual_options(string[] args, bool serve, string? port, string? host, string? error)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal(error, parsed.Error);
        Assert.Equal(serve, parsed.Serve);
        Assert.Equal(port, parsed.Overrides.GetValueOrDefault(HttpServeSettings.PortVariable));
        Assert.Equal(host, parsed.Overrides.GetValueOrDefault(HttpServeSettings.HostVariable));
    }

    [Fact]
    [Trait("Category", "Process")]
    [Trait("Category", "Http")]
    public async Task Serve_without_an_authentication_mode_exits_2_and_says_why_on_stderr()
    {
        using var stub = new KlaviyoStub();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [ServerProcess.Dll, "serve", "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in ServerProcess.Environment(stub))
        {
            start.Environment[name] = value;
        }

        start.Environment[HttpServeSettings.TokensFileVariable] = null;
        start.Environment[HttpServeSettings.AcceptKlaviyoKeysVariable] = null;
        using var server = System.Diagnostics.Process.Start(start)!;

        var stdout = await server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await server.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, server.ExitCode);
        Assert.Equal("", stdout);
        Assert.Contains("serve needs a way to authenticate callers", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(KlaviyoStub.ApiKey, stderr, StringComparison.Ordinal);
    }
}
