namespace Dso.Forecasting;

/// <summary>A registry operation was refused; the message names the file and says which version stays active.</summary>
public sealed class ModelRegistryException(string message, Exception? inner = null) : Exception(message, inner);
