namespace Dso.Controller.Alerts;

/// <summary>
/// One alert as posted to the webhook: an incident's start or its end (<see cref="Phase"/>), never one per tick.
/// <see cref="Subject"/> is the KPI of an anomaly incident (empty for held and budget incidents).
/// </summary>
public sealed record Alert(string Service, DateTimeOffset At, string Kind, string Message, string DecisionId)
{
    public const string Start = "start";
    public const string End = "end";

    public string Phase { get; init; } = Start;

    public string Subject { get; init; } = "";
}
