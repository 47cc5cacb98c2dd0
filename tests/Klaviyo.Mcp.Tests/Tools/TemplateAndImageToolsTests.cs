using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class TemplateAndImageToolsTests
{
    private const string Template = """{"data":{"type":"template","id":"TSale1","attributes":{"name":"Sale layout","editor_type":"CODE","html":"<p>x</p>","text":null,"created":"2026-11-01T00:00:00+00:00","updated":"2026-11-02T00:00:00+00:00"},"links":{"self":"x"}}}""";
    private const string Image = """{"data":{"type":"image","id":"I12345","attributes":{"name":"logo","image_url":"https://cdn.example.com/logo.png","format":"png","size":3,"hidden":false,"updated_at":"2026-11-02T00:00:00+00:00"},"links":{"self":"x"}}}""";

    [Fact]
    public async Task Template_tools_send_spec_valid_bodies_and_render_is_cut_to_the_budget()
    {
        var big = new string('a', 20_000);
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/templates", 200, """{"data":[""" + Template[8..^1] + """],"links":{"self":"x","next":null}}""")
            .Answer("GET", "/api/templates/TSale1", 200, Template)
            .Answer("POST", "/api/templates", 201, Template)
            .Answer("PATCH", "/api/templates/TSale1", 200, Template)
            .Answer("POST", "/api/template-clone", 201, Template.Replace("TSale1", "TCopy1", StringComparison.Ordinal))
            .Answer("POST", "/api/template-render", 201, """{"data":{"type":"template","id":"TSale1","attributes":{"name":"Sale layout","editor_type":"CODE","html":"<p>BIG</p>","text":"BIG"},"links":{"self":"x"}}}""".Replace("BIG", big, StringComparison.Ordinal))
            .Answer("DELETE", "/api/templates/TSale1", 204);
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?>
        {
            [ServerSettings.ConfirmVariable] = "true",
            [ServerSettings.ResultBudgetVariable] = "8000",
        });

        var found = (await mcp.CallAsync("get_templates", """{"name_contains":"Sale"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("TSale1", found.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Contains("Sale", stub.Requests[^1].Parameter("filter"));
        (await mcp.CallAsync("get_template", """{"template_id":"TSale1","include_html":true}""")).AssertSuccess();
        (await mcp.CallAsync("create_template", """{"name":"Sale layout","html":"<p>x</p>","text":"x"}""")).AssertSuccess();
        (await mcp.CallAsync("update_template", """{"template_id":"TSale1","html":"<p>y</p>"}""")).AssertSuccess();
        var clone = (await mcp.CallAsync("clone_template", """{"template_id":"TSale1","name":"Copy"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("TCopy1", clone.GetProperty("id").GetString());

        var rendered = await mcp.CallAsync("render_template", """{"template_id":"TSale1","context":{"first_name":"Ada"}}""");
        var preview = rendered.AssertSuccess().StructuredContent!.Value;
        Assert.Contains("cut to its first", preview.GetProperty("note").GetString());
        Assert.True(rendered.Text().Length < 8_000);

        var first = (await mcp.CallAsync("delete_template", """{"template_id":"TSale1"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.DoesNotContain(stub.Requests, r => r.Method == "DELETE");
        Assert.Contains("Sale layout", first.GetProperty("summary").GetString());
        var token = first.GetProperty("confirmation_token").GetString();
        (await mcp.CallAsync("delete_template", $$"""{"template_id":"TSale1","confirmation_token":"{{token}}"}""")).AssertSuccess();
        Assert.Single(stub.Requests, r => r.Method == "DELETE");

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"data":{"type":"template","id":"TSale1","attributes":{"context":{"first_name":"Ada"}}}}"""),
            stub.Requests.Single(r => r.Path == "/api/template-render").BodyJson()));
        Assert.Equal("""{"data":{"type":"template","id":"TSale1","attributes":{"name":"Copy"}}}""", stub.Requests.Single(r => r.Path == "/api/template-clone").Body);
    }

    [Fact]
    public async Task Upload_image_from_url_sends_a_spec_valid_body()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/images", 201, Image);
        await using var mcp = await McpHarness.StartAsync(stub);

        var image = (await mcp.CallAsync("upload_image_from_url", """{"url":"https://example.com/logo.png","name":"logo","hidden":false}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal("I12345", image.GetProperty("id").GetString());
        Assert.Equal("""{"data":{"type":"image","attributes":{"import_from_url":"https://example.com/logo.png","name":"logo","hidden":false}}}""", stub.Requests.Single().Body);
    }

    [Fact]
    public async Task Upload_image_from_file_sends_the_file_bytes_in_a_multipart_form()
    {
        using var folder = new TemporaryFolder();
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x89;
        var file = Path.Combine(folder.Path, "logo.png");
        await File.WriteAllBytesAsync(file, bytes, TestContext.Current.CancellationToken);
        using var stub = new KlaviyoStub().Answer("POST", "/api/image-upload", 201, Image);
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ImportRootsVariable] = folder.Path });

        (await mcp.CallAsync("upload_image_from_file", JsonSerializer.Serialize(new { path = file, name = "logo" }))).AssertSuccess();

        var request = stub.Server.LogEntries.Single().RequestMessage;
        var contentType = request.Headers!["Content-Type"].Single();
        Assert.StartsWith("multipart/form-data", contentType);
        var boundary = contentType.Split("boundary=")[1].Trim('"');
        var parts = Parts(request.BodyAsBytes!, boundary);
        var filePart = parts.Single(p => p.Headers.Contains("name=file", StringComparison.Ordinal));
        Assert.Contains("filename=logo.png", filePart.Headers, StringComparison.Ordinal);
        Assert.Contains("Content-Type: image/png", filePart.Headers, StringComparison.Ordinal);
        Assert.Equal(bytes, filePart.Body);
        Assert.Equal("logo", Encoding.UTF8.GetString(parts.Single(p => p.Headers.Contains("name=name", StringComparison.Ordinal)).Body));
    }

    [Fact]
    public async Task An_expired_confirmation_token_is_an_argument_error_and_nothing_is_sent()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/templates/TSale1", 200, Template)
            .Answer("DELETE", "/api/templates/TSale1", 204);
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ConfirmVariable] = "true" }, services: s => s.AddSingleton<TimeProvider>(clock));

        var token = (await mcp.CallAsync("delete_template", """{"template_id":"TSale1"}""")).AssertSuccess().StructuredContent!.Value.GetProperty("confirmation_token").GetString();
        clock.Advance(TimeSpan.FromMinutes(11));
        var late = await mcp.CallAsync("delete_template", $$"""{"template_id":"TSale1","confirmation_token":"{{token}}"}""");

        Assert.True(late.IsError);
        Assert.Contains("expired", late.Text());
        Assert.DoesNotContain(stub.Requests, r => r.Method == "DELETE");
    }

    private static List<(string Headers, byte[] Body)> Parts(byte[] body, string boundary)
    {
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var separator = "\r\n\r\n"u8.ToArray();
        var parts = new List<(string, byte[])>();
        var at = IndexOf(body, delimiter, 0);
        while (at >= 0)
        {
            var start = at + delimiter.Length;
            if (body.AsSpan(start).StartsWith("--"u8))
            {
                break;
            }

            var next = IndexOf(body, delimiter, start);
            var headersEnd = IndexOf(body, separator, start);
            var headers = Encoding.UTF8.GetString(body, start, headersEnd - start);
            var contentStart = headersEnd + separator.Length;
            parts.Add((headers, body[contentStart..(next - 2)]));
            at = next;
        }

        return parts;
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        var found = haystack.AsSpan(from).IndexOf(needle);
        return found < 0 ? -1 : from + found;
    }
}
