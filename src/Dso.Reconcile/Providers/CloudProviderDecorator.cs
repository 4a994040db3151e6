using Dso.Abstractions.Cloud;

namespace Dso.Reconcile.Providers;

/// <summary>Wraps a provider in a cross-cutting concern (retries, rate limits, metrics); applied in registration order, so the last is outermost.</summary>
public delegate ICloudProvider CloudProviderDecorator(ICloudProvider inner, CloudCallContext context);
