namespace Dso.Reconcile;

/// <summary>
/// A tick that threw: which service, at which stage, and why. The loop logs it as a failed decision, reports it to
/// its observer and carries on; the next tick starts from the actual fleet again.
/// </summary>
public sealed record TickFailure(string Service, DateTimeOffset At, string Stage, string Message, Exception Exception)
{
    /// <summary>The failure as written in the decision log: the stage, the exception's type and its message.</summary>
    public string Reason => $"tick failed while at stage '{Stage}' ({Exception.GetType().Name}): {Message}; the fleet is left as it is";
}
