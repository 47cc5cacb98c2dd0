using Klaviyo.Mcp.EmptyServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
#if EMPTY_SERVER_HTTP
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

// `serve --port N`: stateless Streamable HTTP at /mcp, and GET /healthz for the benchmark to wait on.
var web = WebApplication.CreateSlimBuilder();
web.Logging.ClearProviders();
web.WebHost.ConfigureKestrel(k => k.ListenLocalhost(int.Parse(args.SkipWhile(a => a != "--port").ElementAt(1), CultureInfo.InvariantCulture)));
web.Services.AddMcpServer().WithHttpTransport(t => t.Stateless = true).WithTools<EchoTool>();
var app = web.Build();
app.MapGet("/healthz", () => "ok");
app.MapMcp("/mcp");
await app.RunAsync();
#else
var builder = Host.CreateEmptyApplicationBuilder(settings: null);
builder.Services.AddMcpServer().WithStdioServerTransport().WithTools<EchoTool>();
await builder.Build().RunAsync();
#endif
