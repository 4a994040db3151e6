namespace Dso.Forecasting.Model;

/// <summary>The regression output column.</summary>
internal sealed class ScoreRow
{
    public float Score { get; set; }
}
