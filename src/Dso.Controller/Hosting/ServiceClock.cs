namespace Dso.Controller.Hosting;

/// <summary>
/// The clock the loops run on, kept apart from the container's TimeProvider on purpose: Quartz takes the
/// container's TimeProvider for its own waits, and an accelerated clock there would stall its scheduling.
/// </summary>
internal sealed record ServiceClock(TimeProvider Time, double Speed);
