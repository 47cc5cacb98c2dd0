namespace Klaviyo.Mcp.Validation;

/// <summary>Text arguments: a required one (an id of an event, profile, list, flow, metric...) and an optional one that, when given, says something.</summary>
public static class TextRules
{
    /// <summary>A required text argument, such as a Klaviyo id: given and not blank.</summary>
    public static void Required(string path, string? value, ArgumentErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, "is required and must not be blank");
        }
    }

    /// <summary>An optional text argument that, when given, must not be blank.</summary>
    public static void NotBlank(string path, string? value, ArgumentErrors errors)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, "must not be blank; leave it out instead");
        }
    }
}
