using GpuBench.Reporting.Pricing;

namespace GpuBench.Reporting.Tests.Pricing;

public class PriceTableTests
{
    [Fact]
    public void Override_replaces_one_type_and_keeps_the_others()
    {
        var config = new PriceTable([new("rtx4090", 0.39), new("pro6000", 1.29)]);

        var prices = config.With([PriceTable.ParseOverride("rtx4090=0.45")]);

        Assert.Equal(0.45, prices.UsdPerGpuHour("rtx4090"));
        Assert.Equal(1.29, prices.UsdPerGpuHour("pro6000"));
        Assert.Equal(0.39, config.UsdPerGpuHour("rtx4090"));
    }

    [Fact]
    public void Config_prices_become_the_table()
    {
        var prices = PriceTable.FromConfig(new Dictionary<string, decimal> { ["rtx5090"] = 0.65m });

        Assert.Equal(0.65, prices.UsdPerGpuHour("rtx5090"));
        Assert.Null(prices.UsdPerGpuHour("rtx4090"));
    }

    [Fact]
    public void A_type_without_a_price_has_none_rather_than_zero() =>
        Assert.Null(new PriceTable([new("rtx4090", 0.39)]).UsdPerGpuHour("l40s"));

    [Theory]
    [InlineData("rtx4090")]
    [InlineData("rtx4090=")]
    [InlineData("=0.4")]
    [InlineData("rtx4090=cheap")]
    [InlineData("rtx4090=0")]
    [InlineData("rtx4090=-1")]
    public void Malformed_overrides_say_how_to_write_one(string text)
    {
        var error = Assert.Throws<FormatException>(() => PriceTable.ParseOverride(text));
        Assert.Contains("rtx4090", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dollar_sign_and_case_are_accepted()
    {
        var prices = PriceTable.Empty.With([PriceTable.ParseOverride("RTX4090=$0.5")]);
        Assert.Equal(0.5, prices.UsdPerGpuHour("rtx4090"));
    }

    [Fact]
    public void Cost_per_million_tokens_is_the_article_formula()
    {
        // 1×RTX 4090 at $0.39/h serving 2,259.13 total tok/s: the article's $0.048/Mtok.
        Assert.Equal(0.0480, TokenCost.UsdPerMillionTokens(0.39, 2259.13)!.Value, 4);
        Assert.Null(TokenCost.UsdPerMillionTokens(null, 2259.13));
        Assert.Null(TokenCost.UsdPerMillionTokens(0.39, 0));
    }
}
