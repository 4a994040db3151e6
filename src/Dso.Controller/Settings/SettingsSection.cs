namespace Dso.Controller.Settings;

/// <summary>
/// One options section the service validates at start, with a way to bind and validate it on its own: one section's
/// value the binder cannot convert must not hide another section's errors.
/// </summary>
internal sealed record SettingsSection(string Path, Action<IServiceProvider> Resolve);
