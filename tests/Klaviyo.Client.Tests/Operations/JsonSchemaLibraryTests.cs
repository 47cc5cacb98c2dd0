using System.Xml.Linq;
using Json.Schema;
using Klaviyo.Client.Operations;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

/// <summary>
/// The Native AOT build empties JsonSchema.Net's module initializer and runs it on first use (JsonSchemaLibrary): these
/// hold the two halves to the library as it is, so that an upgrade that moves its initializer fails here, not in production.
/// </summary>
public sealed class JsonSchemaLibraryTests
{
    [Fact]
    public void The_library_initializer_is_found_and_may_run_again()
    {
        // Throws MissingMethodException if JsonSchema.Net no longer has Json.Schema.__ModuleInitialization.Initialize().
        JsonSchemaLibrary.EnsureInitialized();
        JsonSchemaLibrary.EnsureInitialized();

        Assert.NotNull(MetaSchemas.Draft202012);
        Assert.Same(Dialect.V1, Dialect.Default);
    }

    [Fact]
    public void The_substitution_empties_the_module_constructor_of_the_library_the_validator_uses()
    {
        var substitutions = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "Klaviyo.Mcp", "ILLink.Substitutions.xml"));
        var assembly = Assert.Single(substitutions.Root!.Elements("assembly"));
        Assert.Equal(typeof(JsonSchema).Assembly.GetName().Name, (string?)assembly.Attribute("fullname"));
        var method = Assert.Single(assembly.Elements("type").Where(t => (string?)t.Attribute("fullname") == "<Module>").Elements("method"));
        Assert.Equal("System.Void .cctor()", (string?)method.Attribute("signature"));
        Assert.Equal("stub", (string?)method.Attribute("body"));
    }
}
