namespace Dso.Detection;

/// <summary>Creates the service's streaming anomaly detector; one instance per KPI series.</summary>
public static class AnomalyDetectors
{
    public static IStreamingAnomalyDetector Create(AnomalyDetectorOptions? options = null)
    {
        options ??= new AnomalyDetectorOptions();
        options.Validate();
        return new CompositeAnomalyDetector(options);
    }
}
