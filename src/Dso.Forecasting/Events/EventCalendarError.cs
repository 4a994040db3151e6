namespace Dso.Forecasting;

/// <summary>One problem in an event calendar, located so an operator can jump to it (the calendar may hold many).</summary>
public sealed record EventCalendarError(string File, int Line, int Column, string Problem)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Problem}";
}
