namespace Klaviyo.Client.Operations;

/// <summary>What a literal in a filter expression is, as written.</summary>
public enum FilterLiteralKind
{
    /// <summary>Quoted, in single or double quotes.</summary>
    String,

    /// <summary>An unquoted number.</summary>
    Number,

    /// <summary>Unquoted <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Unquoted <c>null</c>.</summary>
    Null,

    /// <summary>An unquoted ISO 8601 date or date-time.</summary>
    DateTime,

    /// <summary>A list in brackets: <c>["a","b"]</c>.</summary>
    List,

    /// <summary>Unquoted text that is none of the above (a string missing its quotes).</summary>
    Bare,
}
