using Dso.Forecasting.Model;

namespace Dso.Forecasting;

/// <summary>Creates the service's demand forecaster.</summary>
public static class DemandForecasters
{
    /// <summary>
    /// A forecaster for one series. The returned object also implements <see cref="IRetrainableForecaster"/>
    /// (accuracy metrics, retraining, model registry hand-over, scenarios); <see cref="CreateRetrainable"/> returns it typed.
    /// </summary>
    public static IDemandForecaster Create(ForecasterOptions? options = null) => CreateRetrainable(options);

    public static IRetrainableForecaster CreateRetrainable(ForecasterOptions? options = null)
    {
        options ??= new ForecasterOptions();
        options.Validate();
        return new AdaptiveForecaster(options);
    }
}
