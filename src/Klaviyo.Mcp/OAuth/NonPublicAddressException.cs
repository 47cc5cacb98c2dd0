namespace Klaviyo.Mcp.OAuth;

/// <summary>A client id metadata document's host resolved to no public address (<see cref="PublicAddressConnector"/>): nothing was connected to.</summary>
public sealed class NonPublicAddressException(string host, string kind)
    : IOException($"the client id metadata document's host {host} resolves to {kind}, which this server does not fetch from");
