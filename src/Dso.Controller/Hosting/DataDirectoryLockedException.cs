namespace Dso.Controller.Hosting;

/// <summary>Another controller process holds the data directory's lock.</summary>
internal sealed class DataDirectoryLockedException(string message, Exception inner) : Exception(message, inner);
