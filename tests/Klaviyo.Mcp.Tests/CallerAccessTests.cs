using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>The per-request narrowing of the server's tool selection that serve sets from a bearer token.</summary>
public sealed class CallerAccessTests
{
    private static readonly Tool Read = new() { Name = "get_lists", Annotations = new ToolAnnotations { ReadOnlyHint = true } };
    private static readonly Tool Write = new() { Name = "create_list", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false } };
    private static readonly Tool Destroy = new() { Name = "delete_list", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true } };

    [Fact]
    public void Over_stdio_nothing_narrows_the_servers_selection()
    {
        using var services = new ServiceCollection().AddScoped<CallerAccess>().BuildServiceProvider();
        using var scope = services.CreateScope();

        Assert.All(new[] { Read, Write, Destroy }, t => Assert.True(CallerAccess.AllowedFor(ToolSelection.Everything, scope.ServiceProvider, t)));
        Assert.False(CallerAccess.MayOnlyRead(ToolSelection.Everything, scope.ServiceProvider));
        Assert.True(CallerAccess.MayOnlyRead(new ToolSelection(true, null), scope.ServiceProvider));
        var nothing = new ToolSelection(false, new HashSet<string>());
        Assert.Equal(nothing.Refusal("x"), CallerAccess.RefusalFor(nothing, scope.ServiceProvider, new Tool { Name = "x" }));
    }

    [Fact]
    public void A_token_narrows_it_for_its_own_requests_and_says_why()
    {
        var readOnly = new CallerAccess { Caller = "the token \"bob\"", Tools = new ToolSelection(true, null) };
        var draftsOnly = new CallerAccess { Caller = "the token \"carol\"", DraftsOnly = true };
        var withheld = new CallerAccess { Withheld = new Dictionary<string, string> { ["create_list"] = "not over HTTP" } };

        Assert.True(readOnly.Allows(Read));
        Assert.False(readOnly.Allows(Write));
        Assert.Equal("create_list changes data in Klaviyo, and the token \"bob\" is read-only.", readOnly.Refusal(Write));
        Assert.True(draftsOnly.Allows(Write));
        Assert.False(draftsOnly.Allows(Destroy));
        Assert.Contains("the token \"carol\" may only make changes that can be taken back", draftsOnly.Refusal(Destroy), StringComparison.Ordinal);
        Assert.Equal("not over HTTP", withheld.Refusal(Write));
        Assert.Null(withheld.Refusal(Read));
    }
}
