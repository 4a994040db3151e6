namespace Dso.Controller.Web.Api;

/// <summary>Cost of one service (and its team) in one day or month, beside what reactive scaling would have cost.</summary>
internal sealed record ShowbackRow(string Period, string Service, string Team, double SpentUsd, double ReactiveUsd)
{
    public double SavedUsd => ReactiveUsd - SpentUsd;
}
