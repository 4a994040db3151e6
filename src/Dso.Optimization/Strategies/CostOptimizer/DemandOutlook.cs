using Dso.Forecasting;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The planner's own view of coming demand: for each row it must cover now, an upper bound at the policy's
/// quantile. Features are the recent level, the seasonal peak (same time yesterday, two days ago, last week) and,
/// when the forecaster has one, the forecast's quantile; <see cref="EnvelopeCalibrator"/> combines them from the
/// planner's own record of how each would have done. Everything here uses ticks up to now only.
/// </summary>
internal sealed class DemandOutlook
{
    public const int LevelFeature = 0;
    public const int SeasonalFeature = 1;
    public const int ForecastFeature = 2;
    public static readonly string[] FeatureNames = ["recent level", "seasonal peak", "forecast"];

    /// <summary>Samples kept for calibration; older ticks are thinned so the window still spans the configured hours.</summary>
    private const int MaxSamples = 4000;

    /// <summary>Calibrated samples needed before the bound is trusted over the warm-up headroom.</summary>
    private const int MinSamples = 60;

    private static readonly TimeSpan RefitInterval = TimeSpan.FromMinutes(60);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly int _rows;
    private readonly double _quantile;
    private readonly double _warmup;
    private readonly int _seasonalWindow;
    private readonly int[] _lags;
    private readonly int _stride;
    private readonly int _refitEvery;
    private readonly DemandHistory _history;
    private readonly EnvelopeCalibrator _calibrator;
    private readonly double[]?[] _pending;

    public DemandOutlook(TimeSpan tick, int rows, CostOptimizerOptions options)
    {
        _rows = rows;
        _quantile = options.CoverageQuantile;
        _warmup = options.WarmupHeadroom;
        var period = tick <= Day ? (int)Math.Round(Day / tick) : 0;
        _lags = period >= rows + 1 ? [period, 2 * period, 7 * period] : [];
        _seasonalWindow = (int)Math.Round(options.SeasonalWindow / tick);
        _history = new DemandHistory((_lags.Length > 0 ? _lags[^1] : 0) + _seasonalWindow + rows + 64);
        var windowTicks = Math.Max(1, (int)(options.CalibrationWindow / tick));
        _stride = Math.Max(1, (int)Math.Ceiling(windowTicks / (double)MaxSamples));
        _calibrator = new EnvelopeCalibrator(FeatureNames.Length, Math.Min(windowTicks, MaxSamples), options.CoverageQuantile, MinSamples);
        _refitEvery = Math.Max(1, (int)Math.Round(RefitInterval / tick));
        _pending = new double[]?[rows + 1];
    }

    public DemandHistory History => _history;

    public EnvelopeCalibrator Calibrator => _calibrator;

    /// <summary>Records this tick's demand, learns from it, and bounds the coming rows.</summary>
    public OutlookResult Observe(double demand, DemandForecast? forecast)
    {
        _history.Add(demand);
        var now = _history.Latest;
        // The features stored _rows ticks ago described the row just observed: pair them with what happened.
        var slot = (int)(now % _pending.Length);
        if (_pending[slot] is { } past && now % _stride == 0)
        {
            _calibrator.Add(past, demand);
        }

        var features = new double[_rows][];
        for (var k = 1; k <= _rows; k++)
        {
            features[k - 1] = Features(k, forecast);
        }

        _pending[(int)((now + _rows) % _pending.Length)] = features[_rows - 1];
        if (now % _refitEvery == 0 || !_calibrator.Fitted)
        {
            _calibrator.Refit([.. features[_rows - 1].Select(double.IsFinite)]);
        }

        var upper = new double[_rows];
        for (var k = 0; k < _rows; k++)
        {
            var u = _calibrator.Envelope(features[k]);
            upper[k] = double.IsNaN(u) ? features[k][LevelFeature] * _warmup : u;
        }

        var last = features[_rows - 1];
        var binding = _calibrator.Fitted ? _calibrator.Binding(last) : LevelFeature;
        return new OutlookResult(upper, last, binding, _calibrator.Fitted, _quantile, [.. _calibrator.Multipliers]);
    }

    private double[] Features(int k, DemandForecast? forecast)
    {
        var now = _history.Latest;
        var level = Math.Max(_history.At(now), now > 0 ? _history.At(now - 1) : 0);
        var seasonal = double.NaN;
        foreach (var lag in _lags)
        {
            var centre = now + k - lag;
            var peak = _history.PeakBetween(centre - _seasonalWindow, Math.Min(centre + _seasonalWindow, now));
            if (!double.IsNaN(peak))
            {
                seasonal = double.IsNaN(seasonal) ? peak : Math.Max(seasonal, peak);
            }
        }

        var predicted = forecast is not null && k - 1 < forecast.Steps ? forecast.Quantile(k - 1, _quantile) : double.NaN;
        return [level, seasonal, double.IsFinite(predicted) ? Math.Max(predicted, 0) : double.NaN];
    }
}
