using System.Net;
using Klaviyo.Client;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Tools;

namespace Klaviyo.Mcp.Tests;

public sealed class ToolErrorMessagesTests
{
    private static readonly KlaviyoToolException s_forbidden = new(
        new ToolCallDescriptor("get_lists", "get_lists", new ArgumentPointerMap()),
        new KlaviyoApiException(HttpStatusCode.Forbidden, [], retryAfter: null));

    [Fact]
    public void A_403_to_an_API_key_says_which_scope_to_give_the_key()
    {
        var text = ToolErrorMessages.Describe(s_forbidden, "get_lists");

        Assert.StartsWith("The API key is not allowed to do this (403). get_lists needs the scope lists:read: give the key that scope", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_403_to_a_sign_in_names_the_scope_and_speaks_of_the_sign_in_not_a_key()
    {
        var text = ToolErrorMessages.Describe(s_forbidden, "get_lists", signedIn: true);

        Assert.StartsWith("Your Klaviyo sign-in is not allowed to do this (403). get_lists needs the scope lists:read, which this sign-in was not granted", text, StringComparison.Ordinal);
        Assert.DoesNotContain("API key", text, StringComparison.Ordinal);
    }
}
