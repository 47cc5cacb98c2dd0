using System.Text.RegularExpressions;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

/// <summary>The curated client methods take their method and path from the operation catalogue; no source holds a path of its own.</summary>
public sealed partial class CuratedRouteTests
{
    [Theory]
    [InlineData("get_lists", null, "GET", "api/lists")]
    [InlineData("remove_profiles_from_list", "L/1 x", "DELETE", "api/lists/L%2F1%20x/relationships/profiles")]
    [InlineData("bulk_subscribe_profiles", null, "POST", "api/profile-subscription-bulk-create-jobs")]
    [InlineData("update_flow", "F1", "PATCH", "api/flows/F1")]
    public void A_route_is_the_catalogues_method_and_path_with_the_id_escaped(string operationId, string? id, string method, string path)
    {
        var route = KlaviyoClient.Route(operationId, id);

        Assert.Equal(method, route.Operation.Method);
        Assert.Equal(path, route.Path);
    }

    [Fact]
    public void An_operation_outside_the_catalogue_or_a_missing_id_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => KlaviyoClient.Route("get_list_members"));
        Assert.Throws<ArgumentException>(() => KlaviyoClient.Route("get_list", " "));
        Assert.Throws<InvalidOperationException>(() => KlaviyoClient.Route("get_lists", "L1"));
    }

    [Fact]
    public void No_source_file_writes_a_Klaviyo_path_of_its_own()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(l => !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && PathLiteral().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(RepositoryPaths.Root, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Paths belong to the operation catalogue (KlaviyoClient.Route, KlaviyoCalls):\n" + string.Join("\n", offenders));
    }

    [GeneratedRegex("\"[^\"]*\\bapi/")]
    private static partial Regex PathLiteral();
}
