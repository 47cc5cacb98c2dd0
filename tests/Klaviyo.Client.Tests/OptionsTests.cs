namespace Klaviyo.Client.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("2026-07-15", true)]
    [InlineData("2026-07-15.pre", true)]
    [InlineData("2026-02-30", false)]
    [InlineData("2026-7-15", false)]
    [InlineData("latest", false)]
    [InlineData("", false)]
    public void Revisions_must_be_dates_with_an_optional_suffix(string revision, bool valid) =>
        Assert.Equal(valid, KlaviyoRevision.IsValid(revision));

    [Fact]
    public void Defaults_are_valid_and_bad_values_are_named()
    {
        Assert.Empty(new KlaviyoClientOptions().Validate());

        var problems = new KlaviyoClientOptions { BaseUrl = new Uri("ftp://x"), Revision = "v2", MaxRetryAttempts = 11, AttemptTimeout = TimeSpan.Zero }.Validate();

        Assert.Contains(problems, p => p.Contains("base URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("revision", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("retry attempts", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("timeouts", StringComparison.Ordinal));
    }
}
