namespace Klaviyo.Mcp.Tools.Api;

/// <summary>An operation's Klaviyo limits: requests per second (burst), per minute (steady), and per day where there is a daily cap.</summary>
public sealed record OperationRateLimit(int Burst, int Steady, int? Daily);
