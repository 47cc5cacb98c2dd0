namespace Klaviyo.Client.Lists;

/// <summary>A list's name and opt-in process (<c>single_opt_in</c> or <c>double_opt_in</c>; unset means the account default).</summary>
public sealed record ListAttributes(string? Name = null, string? OptInProcess = null);
