namespace Klaviyo.Mcp.Tools.Authoring;

/// <summary>
/// How estimate_campaign_recipients (and send_campaign's summary) poll Klaviyo's recipient estimation job: the first
/// delay, doubled up to <see cref="MaxDelay"/>, for at most <see cref="MaxWait"/>. Tests register shorter ones.
/// </summary>
public sealed record EstimatePolling(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan MaxWait) : IJobPollSchedule
{
    public static readonly EstimatePolling Default = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
}
