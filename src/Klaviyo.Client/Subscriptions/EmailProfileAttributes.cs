namespace Klaviyo.Client.Subscriptions;

public sealed record EmailProfileAttributes(string Email);
