using Dso.Abstractions.Cloud;

namespace Dso.Reconcile.Providers;

/// <summary>Whose calls a decorated provider makes: the service's binding and the provider account they count against.</summary>
public sealed record CloudCallContext(ProviderBinding Binding, string Account);
