using Klaviyo.Mcp.OperationCatalogGeneration;

// dotnet run --project tools/Klaviyo.Mcp.OperationCatalogGenerator -- <OpenAPI spec> <operations.json to write>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Klaviyo.Mcp.OperationCatalogGenerator <openapi-spec.json> <operations.json>");
    Console.Error.WriteLine("  e.g. dotnet run --project tools/Klaviyo.Mcp.OperationCatalogGenerator -- ../shared/klaviyo/openapi/stable.json src/Klaviyo.Client/Operations/operations.json");
    return 2;
}

var (spec, output) = (args[0], args[1]);
if (!File.Exists(spec))
{
    Console.Error.WriteLine($"{spec}: no such file");
    return 1;
}

File.WriteAllText(output, OperationCatalogGenerator.Generate(File.ReadAllText(spec)));
Console.Error.WriteLine($"{output}: written from {spec}");
return 0;
