using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace Klaviyo.Testing;

/// <summary>
/// A small stateful Klaviyo on top of <see cref="KlaviyoStub"/>: profiles (upsert, lookup by email with paging), lists
/// (create, lookup by name with paging) and membership. Responses are shaped like the spec's documents, links,
/// relationships and null attributes included, so that output shaping is measured against realistic bodies.
/// </summary>
public sealed partial class FakeKlaviyoAccount
{
    private readonly object _gate = new();
    private readonly Uri _baseUrl;
    private int _nextId;

    public FakeKlaviyoAccount(KlaviyoStub stub)
    {
        _baseUrl = stub.Url;
        var server = stub.Server;
        server.Given(Request.Create().WithPath("/api/profile-import").UsingPost()).RespondWith(Response.Create().WithCallback(UpsertProfile));
        server.Given(Request.Create().WithPath("/api/profiles").UsingGet()).RespondWith(Response.Create().WithCallback(GetProfiles));
        server.Given(Request.Create().WithPath("/api/lists").UsingPost()).RespondWith(Response.Create().WithCallback(CreateList));
        server.Given(Request.Create().WithPath("/api/lists").UsingGet()).RespondWith(Response.Create().WithCallback(GetLists));
        server.Given(Request.Create().WithPath(new RegexMatcher("^/api/lists/[^/]+/relationships/profiles$")).UsingPost()).RespondWith(Response.Create().WithCallback(AddMembers));
        server.Given(Request.Create().WithPath(new RegexMatcher("^/api/lists/[^/]+/profiles$")).UsingGet()).RespondWith(Response.Create().WithCallback(GetMembers));
    }

    public List<FakeProfile> Profiles { get; } = [];

    public Dictionary<string, string> Lists { get; } = [];

    public Dictionary<string, List<string>> Members { get; } = [];

    public FakeProfile AddProfile(string email, string? firstName = null)
    {
        lock (_gate)
        {
            var profile = new FakeProfile(NewId(), email, firstName);
            Profiles.Add(profile);
            return profile;
        }
    }

    public string AddList(string name)
    {
        lock (_gate)
        {
            var id = "L" + NewId()[^5..];
            Lists[id] = name;
            Members[id] = [];
            return id;
        }
    }

    /// <summary>A profile resource shaped like the spec's <c>ProfileResponseObjectResource</c>, as Klaviyo sends it.</summary>
    public JsonObject ProfileResource(FakeProfile profile) => new()
    {
        ["type"] = "profile",
        ["id"] = profile.Id,
        ["attributes"] = new JsonObject
        {
            ["email"] = profile.Email,
            ["phone_number"] = null,
            ["external_id"] = null,
            ["anonymous_id"] = null,
            ["first_name"] = profile.FirstName,
            ["last_name"] = profile.LastName,
            ["organization"] = null,
            ["locale"] = null,
            ["title"] = null,
            ["image"] = null,
            ["created"] = "2026-03-14T09:26:53+00:00",
            ["updated"] = "2026-11-02T17:45:10+00:00",
            ["last_event_date"] = "2026-11-01T08:12:44+00:00",
            ["location"] = new JsonObject
            {
                ["address1"] = null, ["address2"] = null, ["city"] = profile.City, ["country"] = profile.City is null ? null : "United States",
                ["latitude"] = null, ["longitude"] = null, ["region"] = null, ["zip"] = null, ["timezone"] = null, ["ip"] = null,
            },
            ["properties"] = JsonNode.Parse(profile.PropertiesJson),
        },
        ["relationships"] = new JsonObject
        {
            ["lists"] = Related(profile.Id, "lists"),
            ["segments"] = Related(profile.Id, "segments"),
            ["push-tokens"] = Related(profile.Id, "push-tokens"),
            ["conversation"] = Related(profile.Id, "conversation"),
        },
        ["links"] = new JsonObject { ["self"] = $"{_baseUrl}api/profiles/{profile.Id}/" },
    };

    /// <summary>A page of profiles as <c>GET /api/profiles</c> returns it.</summary>
    public string ProfilePage(IEnumerable<FakeProfile> profiles, string? nextCursor = null) => new JsonObject
    {
        ["data"] = new JsonArray([.. profiles.Select(p => (JsonNode)ProfileResource(p))]),
        ["links"] = new JsonObject
        {
            ["self"] = $"{_baseUrl}api/profiles/",
            ["next"] = nextCursor is null ? null : $"{_baseUrl}api/profiles/?page%5Bcursor%5D={nextCursor}",
            ["prev"] = null,
        },
    }.ToJsonString();

    private JsonObject Related(string id, string name) => new()
    {
        ["links"] = new JsonObject
        {
            ["self"] = $"{_baseUrl}api/profiles/{id}/relationships/{name}/",
            ["related"] = $"{_baseUrl}api/profiles/{id}/{name}/",
        },
    };

    private string NewId() => "01K" + Interlocked.Increment(ref _nextId).ToString("D23", CultureInfo.InvariantCulture);

    private ResponseMessage UpsertProfile(IRequestMessage request)
    {
        var attributes = JsonNode.Parse(request.Body!)!["data"]!["attributes"]!;
        var email = (string?)attributes["email"];
        lock (_gate)
        {
            var existing = Profiles.FirstOrDefault(p => string.Equals(p.Email, email, StringComparison.OrdinalIgnoreCase));
            var created = existing is null;
            var profile = existing ?? new FakeProfile(NewId(), email, null);
            profile.FirstName = (string?)attributes["first_name"] ?? profile.FirstName;
            profile.LastName = (string?)attributes["last_name"] ?? profile.LastName;
            if (created)
            {
                Profiles.Add(profile);
            }

            return Json(created ? 201 : 200, new JsonObject { ["data"] = ProfileResource(profile) }.ToJsonString());
        }
    }

    private ResponseMessage GetProfiles(IRequestMessage request)
    {
        lock (_gate)
        {
            IEnumerable<FakeProfile> matches = Profiles;
            if (Query(request, "filter") is { } filter)
            {
                var emails = EmailFilter().Matches(filter).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
                matches = matches.Where(p => p.Email is not null && emails.Contains(p.Email));
            }

            return Paged(request, [.. matches], 20, ProfilePage);
        }
    }

    private ResponseMessage CreateList(IRequestMessage request)
    {
        var name = (string)JsonNode.Parse(request.Body!)!["data"]!["attributes"]!["name"]!;
        var id = AddList(name);
        return Json(201, new JsonObject { ["data"] = ListResource(id, name) }.ToJsonString());
    }

    private ResponseMessage GetLists(IRequestMessage request)
    {
        lock (_gate)
        {
            var lists = Lists.Select(l => (Id: l.Key, Name: l.Value));
            if (Query(request, "filter") is { } filter && NameFilter().Match(filter) is { Success: true } name)
            {
                lists = lists.Where(l => l.Name == name.Groups[1].Value);
            }

            return Paged(request, [.. lists], 10, (page, next) => new JsonObject
            {
                ["data"] = new JsonArray([.. page.Select(l => (JsonNode)ListResource(l.Id, l.Name))]),
                ["links"] = new JsonObject { ["self"] = $"{_baseUrl}api/lists/", ["next"] = next is null ? null : $"{_baseUrl}api/lists/?page%5Bcursor%5D={next}" },
            }.ToJsonString());
        }
    }

    private ResponseMessage AddMembers(IRequestMessage request)
    {
        var listId = request.AbsolutePath.Split('/')[3];
        lock (_gate)
        {
            if (!Members.TryGetValue(listId, out var members))
            {
                return Json(404, KlaviyoStub.ErrorBody(404, "not_found", "List not found."));
            }

            foreach (var member in JsonNode.Parse(request.Body!)!["data"]!.AsArray())
            {
                var id = (string)member!["id"]!;
                if (!members.Contains(id))
                {
                    members.Add(id);
                }
            }

            return new ResponseMessage { StatusCode = 204 };
        }
    }

    private ResponseMessage GetMembers(IRequestMessage request)
    {
        var listId = request.AbsolutePath.Split('/')[3];
        lock (_gate)
        {
            if (!Members.TryGetValue(listId, out var members))
            {
                return Json(404, KlaviyoStub.ErrorBody(404, "not_found", "List not found."));
            }

            var profiles = members.Select(id => Profiles.First(p => p.Id == id)).ToList();
            if (Query(request, "filter") is { } filter)
            {
                var emails = EmailFilter().Matches(filter).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
                profiles = [.. profiles.Where(p => p.Email is not null && emails.Contains(p.Email))];
            }

            return Paged(request, profiles, 20, ProfilePage);
        }
    }

    private JsonObject ListResource(string id, string name) => new()
    {
        ["type"] = "list",
        ["id"] = id,
        ["attributes"] = new JsonObject { ["name"] = name, ["created"] = "2026-11-22T10:00:00+00:00", ["updated"] = "2026-11-22T10:00:00+00:00", ["opt_in_process"] = "single_opt_in" },
        ["relationships"] = new JsonObject { ["profiles"] = new JsonObject { ["links"] = new JsonObject { ["self"] = $"{_baseUrl}api/lists/{id}/relationships/profiles/" } } },
        ["links"] = new JsonObject { ["self"] = $"{_baseUrl}api/lists/{id}/" },
    };

    /// <summary>Pages with a cursor that is the offset (as a string Klaviyo-like enough for tests).</summary>
    private static ResponseMessage Paged<T>(IRequestMessage request, IReadOnlyList<T> items, int defaultSize, Func<IEnumerable<T>, string?, string> render)
    {
        var size = int.TryParse(Query(request, "page[size]"), out var requested) ? requested : defaultSize;
        var offset = Query(request, "page[cursor]") is { } cursor ? int.Parse(cursor[1..], CultureInfo.InvariantCulture) : 0;
        var next = offset + size < items.Count ? "c" + (offset + size).ToString(CultureInfo.InvariantCulture) : null;
        return Json(200, render(items.Skip(offset).Take(size), next));
    }

    private static string? Query(IRequestMessage request, string name) =>
        request.Query is { } query && query.TryGetValue(name, out var values) ? values.ToArray().FirstOrDefault() : null;

    private static ResponseMessage Json(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/vnd.api+json") },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 },
    };

    [GeneratedRegex(@"""([^""\\]*@[^""\\]*)""")]
    private static partial Regex EmailFilter();

    [GeneratedRegex(@"^equals\(name,""((?:[^""\\]|\\.)*)""\)$")]
    private static partial Regex NameFilter();
}
