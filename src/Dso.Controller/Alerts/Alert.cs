namespace Dso.Controller.Alerts;

/// <summary>One alert as posted to the webhook.</summary>
public sealed record Alert(string Service, DateTimeOffset At, string Kind, string Message, string DecisionId);
