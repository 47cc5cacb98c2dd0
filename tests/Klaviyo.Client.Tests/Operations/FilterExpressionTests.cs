using Klaviyo.Client.Operations;

namespace Klaviyo.Client.Tests;

/// <summary>Klaviyo's filter syntax: parsing, and checking against an operation's filter fields.</summary>
public sealed class FilterExpressionTests
{
    private static IReadOnlyList<ApiFilterField> Profiles => OperationCatalog.Default.Find("get_profiles")!.FilterFields;

    private static IReadOnlyList<ApiFilterField> Events => OperationCatalog.Default.Find("get_events")!.FilterFields;

    [Fact]
    public void A_comparison_has_an_operator_a_field_and_a_value()
    {
        var condition = Assert.Single(FilterExpression.Parse("equals(email,\"a@example.com\")").Conditions);

        Assert.Equal(("equals", "email", 1), (condition.Operator, condition.Field, condition.Position));
        Assert.Equal(new FilterLiteral(FilterLiteralKind.String, "a@example.com", 14), condition.Value);
    }

    [Fact]
    public void Commas_and_nested_ands_all_mean_and()
    {
        var expression = FilterExpression.Parse("equals(metric_id,'M1'), and(greater-or-equal(datetime,2023-02-07),less-than(datetime,2023-02-15T00:00:00Z)), has(profile)");

        Assert.Equal(["equals", "greater-or-equal", "less-than", "has"], expression.Conditions.Select(c => c.Operator));
        Assert.Equal([FilterLiteralKind.String, FilterLiteralKind.DateTime, FilterLiteralKind.DateTime], expression.Conditions.Take(3).Select(c => c.Value!.Kind));
        Assert.Null(expression.Conditions[3].Value);
        Assert.Empty(expression.Check(Events));
    }

    [Theory]
    [InlineData("equals(name,'it\\'s')", FilterLiteralKind.String, "it's")]
    [InlineData("equals(name,\"say \\\"hi\\\"\")", FilterLiteralKind.String, "say \"hi\"")]
    [InlineData("equals(name,'a,b)c')", FilterLiteralKind.String, "a,b)c")]
    [InlineData("equals(count,-12.5)", FilterLiteralKind.Number, "-12.5")]
    [InlineData("equals(archived,false)", FilterLiteralKind.Boolean, "false")]
    [InlineData("equals(archived,null)", FilterLiteralKind.Null, "null")]
    [InlineData("greater-than(created,2012-04-21T11:30:00-04:00)", FilterLiteralKind.DateTime, "2012-04-21T11:30:00-04:00")]
    [InlineData("greater-than(created,2023-03-01)", FilterLiteralKind.DateTime, "2023-03-01")]
    [InlineData("equals(name,vip)", FilterLiteralKind.Bare, "vip")]
    public void Literals_are_read_as_written(string text, FilterLiteralKind kind, string value)
    {
        var literal = FilterExpression.Parse(text).Conditions.Single().Value!;
        Assert.Equal((kind, value), (literal.Kind, literal.Text));
    }

    [Fact]
    public void Lists_hold_literals()
    {
        var literal = FilterExpression.Parse("any(email, [\"a@example.com\", 'b@example.com'])").Conditions.Single().Value!;

        Assert.Equal(FilterLiteralKind.List, literal.Kind);
        Assert.Equal(["a@example.com", "b@example.com"], literal.Items.Select(i => i.Text));
    }

    [Theory]
    [InlineData("", "at character 1: the filter is empty")]
    [InlineData("equals(email,'a@example.com'", "at character 29: the expression ends where ')' is needed to close equals(...)")]
    [InlineData("equals(email,'a@example.com)", "at character 14: the string starting here has no closing '")]
    [InlineData("or(equals(email,'a'),equals(email,'b'))", "at character 1: Klaviyo filters have no or(...)")]
    [InlineData("not(equals(email,'a'))", "at character 1: Klaviyo filters have no not(...)")]
    [InlineData("equals('email','a')", "at character 8: field names are not quoted")]
    [InlineData("equals(email,'a','b')", "takes one field and one value")]
    [InlineData("equals(email,'a') equals(email,'b')", "at character 19: unexpected 'e' after the end of an expression")]
    [InlineData("email = 'a'", "expected '(' after email")]
    [InlineData("any(email,[['a']])", "lists cannot be nested")]
    public void Malformed_filters_say_where_and_why(string text, string message)
    {
        var parsed = FilterExpression.TryParse(text, out var expression, out var error);

        Assert.False(parsed);
        Assert.Null(expression);
        Assert.Contains(message, error);
        Assert.Throws<FormatException>(() => FilterExpression.Parse(text));
    }

    [Theory]
    [InlineData("equals(email,'a@example.com')")]
    [InlineData("any(email,['a@example.com','b@example.com'])")]
    [InlineData("equals(email,['a@example.com'])")]
    [InlineData("greater-than(created,2024-01-01T00:00:00Z),less-than(updated,2024-02-01)")]
    [InlineData("equals(subscriptions.email.marketing.suppression.reason,'HARD_BOUNCE')")]
    public void Filters_within_the_operations_fields_operators_and_types_pass(string text) =>
        Assert.Empty(FilterExpression.Parse(text).Check(Profiles));

    [Theory]
    [InlineData("equals(emial,'a')", "'emial' cannot be filtered on; filterable fields: id, email, phone_number")]
    [InlineData("equals(Email,'a')", "'Email' cannot be filtered on (did you mean 'email'?)")]
    [InlineData("contains(email,'a')", "contains(email,...) is not allowed: 'email' takes equals(email,\"...\"), any(email,[\"...\"]), equals(email,[\"...\"])")]
    [InlineData("any(email,'a@example.com')", "any on 'email' takes a list, e.g. any(email,[\"...\"])")]
    [InlineData("greater-than(created,['2024-01-01'])", "greater-than(created,[...]) is not allowed")]
    [InlineData("equals(email,a@example.com)", "'email' is compared with a string, which must be quoted: equals(email,\"a@example.com\")")]
    [InlineData("greater-than(created,'2024-01-01T00:00:00Z')", "at character 22: date-times are not quoted in Klaviyo filters: greater-than(created,2024-01-01T00:00:00Z)")]
    [InlineData("greater-than(created,yesterday)", "'created' is compared with a date-time, written unquoted in ISO 8601")]
    [InlineData("greater-than(created,2024-13-45)", "'created' is compared with a date-time")]
    [InlineData("any(email,[])", "the list is empty")]
    [InlineData("has(email)", "has(email) needs a value")]
    public void Filters_that_Klaviyo_would_refuse_are_explained(string text, string problem)
    {
        var problems = FilterExpression.Parse(text).Check(Profiles);

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Booleans_numbers_and_enums_are_checked_by_the_fields_type()
    {
        var flows = OperationCatalog.Default.Find("get_flows")!.FilterFields;
        Assert.Empty(FilterExpression.Parse("equals(archived,true)").Check(flows));
        Assert.Contains("booleans are not quoted: equals(archived,true)", FilterExpression.Parse("equals(archived,'true')").Check(flows).Single());

        var enumField = OperationCatalog.Default.Operations.SelectMany(o => o.FilterFields).First(f => f.Values is { Count: > 1 } && f.Type == FilterValueType.String);
        var fields = new[] { enumField };
        Assert.Empty(FilterExpression.Parse($"equals({enumField.Field},'{enumField.Values![0]}')").Check(fields));
        Assert.Contains($"is not a value of '{enumField.Field}'", FilterExpression.Parse($"equals({enumField.Field},'nope')").Check(fields).Single());

        var number = new[] { new ApiFilterField { Field = "count", Operators = ["equals"], Type = FilterValueType.Integer } };
        Assert.Empty(FilterExpression.Parse("equals(count,3)").Check(number));
        Assert.Contains("numbers are not quoted", FilterExpression.Parse("equals(count,'3')").Check(number).Single());
        Assert.Contains("a whole number", FilterExpression.Parse("equals(count,3.5)").Check(number).Single());
    }

    [Fact]
    public void Every_problem_of_a_filter_is_reported()
    {
        var problems = FilterExpression.Parse("equals(nope,'a'),any(email,'b'),greater-than(created,'2024-01-01')").Check(Profiles);

        Assert.Equal(3, problems.Count);
        Assert.StartsWith("at character 1:", problems[0]);
        Assert.StartsWith("at character 18:", problems[1]);
        Assert.StartsWith("at character 54:", problems[2]);
    }

    [Fact]
    public void An_operation_without_filter_fields_takes_no_filter() =>
        Assert.Contains("this operation cannot be filtered", FilterExpression.Parse("equals(id,'a')").Check([]).Single());
}
