namespace Dso.Controller.Web.Api;

/// <summary>Cost of one service (and its team) in one day or month from the spend ledger, beside what reactive scaling would have cost.</summary>
internal sealed record ShowbackRow(string Period, string Service, string Team, decimal SpentUsd, decimal ReactiveUsd, int Ticks)
{
    public decimal SavedUsd => ReactiveUsd - SpentUsd;
}
