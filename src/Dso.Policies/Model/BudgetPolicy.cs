namespace Dso.Policies.Model;

/// <summary>A monthly budget. Hard: projected spend never exceeds it. Soft: overrun alerts and is reported.</summary>
public sealed record BudgetPolicy(decimal MonthlyUsd, BudgetEnforcement Enforcement);

public enum BudgetEnforcement
{
    Hard,
    Soft,
}
