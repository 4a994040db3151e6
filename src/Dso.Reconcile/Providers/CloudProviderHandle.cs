using Dso.Abstractions.Cloud;

namespace Dso.Reconcile.Providers;

/// <summary>
/// A service's provider as the loop calls it (decorated), the meter of the bare adapter when it has one (only the
/// simulated cloud does), and the binding it was created for, so a reload can tell whether to recreate it.
/// </summary>
public sealed record CloudProviderHandle(ICloudProvider Provider, ICloudMeter? Meter, CloudCallContext Context);
