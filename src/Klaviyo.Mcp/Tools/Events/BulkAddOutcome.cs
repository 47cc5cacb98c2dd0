namespace Klaviyo.Mcp.Tools.Events;

public enum BulkAddOutcome
{
    /// <summary>The event is in the job.</summary>
    Added,

    /// <summary>The job has no room left: send it and start another.</summary>
    Full,

    /// <summary>The job already has an event with this unique_id, profile and metric.</summary>
    Duplicate,

    /// <summary>The event alone is larger than a job may be.</summary>
    TooLarge,
}
