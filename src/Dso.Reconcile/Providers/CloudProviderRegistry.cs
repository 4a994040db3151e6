using Dso.Abstractions.Cloud;
using Dso.Policies.Loading;

namespace Dso.Reconcile.Providers;

/// <summary>
/// The cloud provider plug-ins this build runs, by name (like the strategies): policies choose one with
/// <c>provider</c>, the loader checks names and bindings through it, and the host creates each service's
/// provider through it, wrapped in the decorators every provider gets (resilience, metrics).
/// </summary>
public sealed class CloudProviderRegistry
{
    private readonly Dictionary<string, ICloudProviderFactory> _factories;
    private readonly IReadOnlyList<CloudProviderDecorator> _decorators;

    public CloudProviderRegistry(IEnumerable<ICloudProviderFactory> factories, IEnumerable<CloudProviderDecorator>? decorators = null)
    {
        _factories = new Dictionary<string, ICloudProviderFactory>(StringComparer.Ordinal);
        foreach (var factory in factories)
        {
            if (!_factories.TryAdd(factory.Name, factory))
            {
                throw new ArgumentException($"two cloud provider plug-ins are named '{factory.Name}'", nameof(factories));
            }
        }

        _decorators = decorators?.ToArray() ?? [];
    }

    /// <summary>Known provider names, sorted, for "unknown provider (known: ...)" messages.</summary>
    public IReadOnlyCollection<string> Names => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The plug-in's problems with a binding, as "field: problem"; an unknown name is one problem.</summary>
    public IReadOnlyList<string> Validate(ProviderBinding binding) =>
        _factories.TryGetValue(binding.Provider, out var factory)
            ? factory.Validate(binding)
            : [$"name: unknown provider '{binding.Provider}' (known: {string.Join(", ", Names)})"];

    /// <summary>The vocabulary with this registry's names and binding checks, so policy load rejects what cannot run.</summary>
    public PolicyVocabulary Extend(PolicyVocabulary vocabulary) => vocabulary with { Providers = Names, ValidateBinding = Validate };

    /// <summary>
    /// A provider for one service, decorated; throws <see cref="InvalidOperationException"/> naming the service
    /// when the binding is not valid (the caller keeps the previous policy set).
    /// </summary>
    public CloudProviderHandle Create(ProviderBinding binding)
    {
        var problems = Validate(binding);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"service '{binding.Service}': provider '{binding.Provider}': {string.Join("; ", problems)}");
        }

        var factory = _factories[binding.Provider];
        var bare = factory.Create(binding);
        var context = new CloudCallContext(binding, factory.AccountOf(binding));
        var provider = bare;
        foreach (var decorate in _decorators)
        {
            provider = decorate(provider, context);
        }

        return new CloudProviderHandle(provider, bare as ICloudMeter, context);
    }
}
