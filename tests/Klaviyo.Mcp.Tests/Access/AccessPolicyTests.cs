using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Http;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>The one access policy: the server's restrictions narrowed by a caller's, and a refusal that names whichever refused.</summary>
public sealed class AccessPolicyTests
{
    private static readonly Tool Read = new() { Name = "get_lists", Annotations = new ToolAnnotations { ReadOnlyHint = true } };
    private static readonly Tool Write = new() { Name = "create_list", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false } };
    private static readonly Tool Destroy = new() { Name = "delete_list", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true } };
    private static readonly Tool CallOperation = new() { Name = "call_operation", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true } };

    [Fact]
    public void Without_restrictions_everything_is_offered()
    {
        var policy = AccessPolicy.ForServer(new ServerSettings());

        Assert.All(new[] { Read, Write, Destroy, CallOperation }, t => Assert.Same(t, policy.Present(t)));
        Assert.Null(policy.Refusal(OperationCatalog.Default.Find("delete_tag")!));
        Assert.Same(policy, policy.For(null));
    }

    [Fact]
    public void A_token_narrows_the_servers_policy_for_its_own_requests_and_says_why()
    {
        var server = AccessPolicy.ForServer(new ServerSettings());
        var readOnly = server.For(new Caller("the token \"bob\"", "token:bob", new AccessRestrictions(ReadOnly: true)));
        var draftsOnly = server.For(new Caller("the token \"carol\"", "token:carol", new AccessRestrictions(DraftsOnly: true)));

        Assert.NotNull(readOnly.Present(Read));
        Assert.Null(readOnly.Present(Write));
        Assert.Equal("create_list changes data in Klaviyo, and the token \"bob\" is read-only.", readOnly.Refusal(Write));
        Assert.True(readOnly.Present(CallOperation)!.Annotations!.ReadOnlyHint);
        Assert.Equal("create_tag changes data in Klaviyo, and the token \"bob\" is read-only.", readOnly.Refusal(OperationCatalog.Default.Find("create_tag")!));

        Assert.NotNull(draftsOnly.Present(Write));
        Assert.Null(draftsOnly.Present(Destroy));
        Assert.Same(CallOperation, draftsOnly.Present(CallOperation));
        Assert.Contains("the token \"carol\" may only make changes that can be taken back", draftsOnly.Refusal(Destroy), StringComparison.Ordinal);
        Assert.Contains("the token \"carol\"", draftsOnly.Refusal(OperationCatalog.Default.Find("delete_tag")!), StringComparison.Ordinal);
        Assert.Null(draftsOnly.Refusal(OperationCatalog.Default.Find("create_tag")!));
    }

    [Fact]
    public void Drafts_only_means_the_same_for_the_flag_and_for_a_token()
    {
        var flag = AccessPolicy.ForServer(new ServerSettings { Access = new AccessRestrictions(DraftsOnly: true) });
        var token = AccessPolicy.ForServer(new ServerSettings()).For(new Caller("the token \"carol\"", "token:carol", new AccessRestrictions(DraftsOnly: true)));
        var destructive = OperationCatalog.Default.Operations.Where(o => o.Access == OperationAccess.Destructive).ToList();
        var others = OperationCatalog.Default.Operations.Where(o => o.Access != OperationAccess.Destructive).ToList();

        Assert.All(new[] { flag, token }, policy =>
        {
            Assert.True(policy.DraftsOnly);
            Assert.Null(policy.Present(Destroy));
            Assert.NotNull(policy.Present(Write));
            Assert.NotNull(policy.Present(CallOperation));
            Assert.All(destructive, o => Assert.NotNull(policy.Refusal(o)));
            Assert.All(others, o => Assert.Null(policy.Refusal(o)));
        });
        Assert.Contains("this server runs in drafts-only mode (--drafts-only or KLAVIYO_DRAFTS_ONLY=true)", flag.Refusal(Destroy), StringComparison.Ordinal);
    }

    [Fact]
    public void The_servers_restrictions_are_named_before_the_callers()
    {
        var problems = new List<string>();
        var server = AccessPolicy.ForServer(new ServerSettings { Access = AccessRestrictions.From(false, false, "lists", null, problems) });
        var caller = server.For(new Caller("the token \"dan\"", "token:dan", new AccessRestrictions(ReadOnly: true)));

        Assert.Empty(problems);
        Assert.Equal("get_events is not enabled on this server (it was started with --toolsets or --tools that leave it out).", caller.Refusal(new Tool { Name = "get_events", Annotations = new ToolAnnotations { ReadOnlyHint = true } }));
        Assert.Equal("create_list changes data in Klaviyo, and the token \"dan\" is read-only.", caller.Refusal(Write));
        Assert.True(caller.ReadOnly);
        Assert.False(server.ReadOnly);
    }

    [Fact]
    public void Over_HTTP_the_tools_that_use_the_servers_disk_are_withheld_unless_allowed()
    {
        var off = AccessPolicy.ForServer(new ServerSettings(), new HttpServeSettings());
        var on = AccessPolicy.ForServer(new ServerSettings(), new HttpServeSettings { AllowImports = true });
        var import = new Tool { Name = "import_events", Annotations = new ToolAnnotations { ReadOnlyHint = false } };

        Assert.Contains(HttpServeSettings.AllowImportsVariable, off.Refusal(import), StringComparison.Ordinal);
        Assert.Null(on.Refusal(import));
        Assert.Null(AccessPolicy.ForServer(new ServerSettings()).Refusal(import));
    }

    [Fact]
    public void Callers_share_instructions_only_when_their_restrictions_are_none()
    {
        var server = AccessPolicy.ForServer(new ServerSettings());

        Assert.Equal("", server.InstructionsKey);
        Assert.Equal("", server.For(new Caller("your key", "key:abc", AccessRestrictions.None)).InstructionsKey);
        Assert.Equal("token:bob", server.For(new Caller("the token \"bob\"", "token:bob", new AccessRestrictions(ReadOnly: true))).InstructionsKey);
    }
}
