using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Dso.Detection;

/// <summary>
/// Finds the dominant seasonal period of a series from its autocorrelation, computed with one FFT
/// (Wiener–Khinchin) so that a re-check over thousands of points stays cheap.
/// </summary>
internal static class SeasonalityDetector
{
    // A period must explain a clear share of the variance, and the autocorrelation must dip before the peak:
    // trending or random-walk series have high but monotonically falling autocorrelation and no real period.
    private const double MinPeakCorrelation = 0.3;
    private const double MinPeakProminence = 0.2;
    private const double HarmonicTolerance = 0.85;

    /// <summary>Returns the period in points, or 0 when the series shows no convincing seasonality.</summary>
    public static int Detect(ReadOnlySpan<double> series, int minPeriod, int maxPeriod)
    {
        var n = series.Length;
        maxPeriod = Math.Min(maxPeriod, n / 2);
        if (maxPeriod < minPeriod || n < 8)
        {
            return 0;
        }

        var acf = Autocorrelation(series);
        if (acf is null)
        {
            return 0;
        }

        // Multiples of the true period correlate almost as well as the period itself; take the shortest peak
        // that comes close to the best one, so a daily cycle is not mistaken for a three-day one.
        var peaks = new List<(int Lag, double Value)>();
        var runningMin = 1.0;
        for (var lag = 1; lag <= maxPeriod && lag + 1 < acf.Length; lag++)
        {
            runningMin = Math.Min(runningMin, acf[lag]);
            var isPeak = acf[lag] >= acf[lag - 1] && acf[lag] > acf[lag + 1];
            if (lag >= minPeriod && isPeak && acf[lag] >= MinPeakCorrelation && acf[lag] - runningMin >= MinPeakProminence)
            {
                peaks.Add((lag, acf[lag]));
            }
        }

        if (peaks.Count == 0)
        {
            return 0;
        }

        var strongest = peaks.Max(p => p.Value);
        var best = peaks.First(p => p.Value >= HarmonicTolerance * strongest).Lag;
        return best;
    }

    private static double[]? Autocorrelation(ReadOnlySpan<double> series)
    {
        var n = series.Length;

        // Remove the linear trend first, or a slow drift dominates the correlation at every lag.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sx += i;
            sy += series[i];
            sxx += (double)i * i;
            sxy += i * series[i];
        }

        var slope = (n * sxy - sx * sy) / Math.Max(n * sxx - sx * sx, 1e-12);
        var intercept = (sy - slope * sx) / n;

        var size = 1;
        while (size < 2 * n)
        {
            size <<= 1;
        }

        var buffer = new Complex[size];
        for (var i = 0; i < n; i++)
        {
            buffer[i] = new Complex(series[i] - (intercept + slope * i), 0);
        }

        Fourier.Forward(buffer, FourierOptions.Matlab);
        for (var i = 0; i < size; i++)
        {
            buffer[i] = new Complex(buffer[i].Real * buffer[i].Real + buffer[i].Imaginary * buffer[i].Imaginary, 0);
        }

        Fourier.Inverse(buffer, FourierOptions.Matlab);
        var zeroLag = buffer[0].Real;
        if (!(zeroLag > 1e-12))
        {
            return null;
        }

        // The usual biased estimate: it shrinks long lags, which have fewer pairs and noisier correlations.
        var acf = new double[n / 2 + 2];
        for (var lag = 0; lag < acf.Length; lag++)
        {
            acf[lag] = buffer[lag].Real / zeroLag;
        }

        return acf;
    }
}
