using System.Net;
using Klaviyo.Client.Operations;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

/// <summary>A person's OAuth token that Klaviyo answers 401 to: renewed once through the credentials' callback and the request sent once more; API keys untouched.</summary>
public sealed class BearerRefreshTests
{
    private const string OldToken = "kl-old-access-1111";
    private const string NewToken = "kl-new-access-2222";
    private const string Accounts = """{"data":[{"type":"account","id":"AbC123","attributes":{}}]}""";
    private static readonly string Unauthorized = KlaviyoStub.ErrorBody(401, "not_authenticated", "Incorrect authentication credentials.");

    [Fact]
    public async Task A_401_to_a_bearer_token_is_refreshed_once_and_the_request_sent_again_with_the_new_token()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("GET", "/api/accounts", r => r.WithStatusCode(401).WithBody(Unauthorized), r => r.WithStatusCode(200).WithBody(Accounts));
        using var harness = new ClientHarness(stub);
        var refused = new List<string>();
        harness.Credentials.AccessToken = OldToken;
        harness.Credentials.RefreshAccessToken = (token, _) =>
        {
            refused.Add(token);
            return Task.FromResult<string?>(NewToken);
        };

        var accounts = await harness.Client.GetAccountsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("AbC123", accounts.Data[0].GetProperty("id").GetString());
        Assert.Equal([OldToken], refused);
        Assert.Equal(["Bearer " + OldToken, "Bearer " + NewToken], stub.Requests.Select(r => r.Header("Authorization")));
        Assert.Equal(NewToken, harness.Credentials.AccessToken);
    }

    [Fact]
    public async Task An_upload_refused_with_401_is_sent_again_with_its_whole_body()
    {
        const string created = """{"data":{"type":"image","id":"img1","attributes":{"name":"a.png","image_url":"https://example.test/a.png","format":"png","size":4,"hidden":false,"updated_at":"2024-01-01T00:00:00+00:00"},"links":{"self":"https://a.klaviyo.com/api/images/img1"}}}""";
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/image-upload", r => r.WithStatusCode(401).WithBody(Unauthorized), r => r.WithStatusCode(201).WithBody(created));
        using var harness = new ClientHarness(stub);
        harness.Credentials.AccessToken = OldToken;
        harness.Credentials.RefreshAccessToken = (_, _) => Task.FromResult<string?>(NewToken);

        var bytes = new byte[2048];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x89;
        var image = await harness.Client.UploadFileAsync(OperationCatalog.Default.Find("upload_image_from_file")!, bytes, "a.png", "image/png", "a.png", hidden: null, TestContext.Current.CancellationToken);

        Assert.Equal("img1", image.Data.GetProperty("id").GetString());
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("Bearer " + NewToken, stub.Requests[1].Header("Authorization"));
        var bodies = stub.Server.LogEntries.Select(e => e.RequestMessage.BodyAsBytes!).ToList();
        Assert.True(bodies[1].Length > bytes.Length, "the second request carried the whole form");
        Assert.Equal(bodies[0], bodies[1]);
        Assert.True(bodies[1].AsSpan().IndexOf(bytes) >= 0, "the file's bytes are in the second request");
    }

    [Fact]
    public async Task A_second_401_or_no_new_token_stays_a_401_after_at_most_one_refresh()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 401, Unauthorized);
        using var harness = new ClientHarness(stub);
        var refreshes = 0;
        harness.Credentials.AccessToken = OldToken;
        harness.Credentials.RefreshAccessToken = (_, _) => Task.FromResult<string?>(++refreshes == 1 ? NewToken : null);

        var again = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.GetAccountsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(1, refreshes);
        Assert.Equal(2, stub.Requests.Count);

        var none = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.GetAccountsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(2, refreshes);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task An_API_keys_401_stays_a_401_without_any_refresh()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("GET", "/api/accounts", r => r.WithStatusCode(401).WithBody(Unauthorized), r => r.WithStatusCode(200).WithBody(Accounts));
        using var harness = new ClientHarness(stub);
        var refreshes = 0;
        harness.Credentials.RefreshAccessToken = (_, _) => Task.FromResult<string?>(++refreshes > 0 ? NewToken : null);

        var error = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.GetAccountsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(0, refreshes);
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, Assert.Single(stub.Requests).Header("Authorization"));
    }
}
