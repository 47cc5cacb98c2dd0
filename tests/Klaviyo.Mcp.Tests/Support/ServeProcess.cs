using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>klaviyo-mcp serve</c> as its own process (the built server, as a replica runs it), on a free port of 127.0.0.1.</summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log;

    private ServeProcess(Process process, Uri url, List<string> log)
    {
        _process = process;
        Url = url;
        _log = log;
    }

    public Uri Url { get; }

    public Uri McpUrl => new(Url, "/mcp");

    /// <summary>Everything the process wrote on stderr so far.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    public static async Task<ServeProcess> StartAsync(IDictionary<string, string?> environment)
    {
        Assert.True(File.Exists(ServerProcess.Dll), $"the server is not built at {ServerProcess.Dll}");
        var start = new ProcessStartInfo("dotnet", [ServerProcess.Dll, "serve", "--port", "0", "--host", "127.0.0.1"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                listening.TrySetException(new InvalidOperationException("serve exited: " + string.Join('\n', lines)));
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }

            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var serve = new ServeProcess(process, url, lines);
        return serve;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
