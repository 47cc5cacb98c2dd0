namespace Klaviyo.Mcp.Tools.Import;

/// <summary>One bulk_import_profiles job in import_profiles' result: its profiles, Klaviyo's status and counts.</summary>
public sealed record ProfileImportJobResult(string Id, int Profiles, string? Status, int CompletedCount, int FailedCount);
