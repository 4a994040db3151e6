using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Dso.Forecasting.Model;

/// <summary>
/// Trains the FastTree regression on (origin, horizon) examples drawn from a bounded recent window. Horizons are
/// sampled from the anchors the forecaster predicts, so one model serves every step of the horizon (direct
/// multi-horizon forecasting: no recursive error build-up).
/// </summary>
internal sealed class ModelTrainer
{
    /// <summary>FastTree's thread count (process-wide in ML.NET: the first trainer's value holds).</summary>
    internal const int TrainingThreads = 2;

    private readonly ForecasterOptions _options;
    private readonly Random _random;

    public ModelTrainer(ForecasterOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
    }

    public TrainedDemandModel? Train(SeriesHistory history, FeatureBuilder features, IReadOnlyList<int> horizons, string reason, IReadOnlyDictionary<string, double> metrics)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = history.Count - 1;
        var windowPoints = Math.Max((long)Math.Ceiling(_options.TrainingWindow / history.Step), _options.MinTrainingWindowPoints);
        var firstOrigin = Math.Max(features.FirstOrigin, last - windowPoints);
        var rows = new List<FeatureRow>(_options.MaxTrainingSamples);
        var candidates = (last - firstOrigin) * horizons.Count;
        if (candidates <= 0)
        {
            return null;
        }

        // Sample without bias to any horizon: draw an origin and a horizon per example.
        var attempts = Math.Min(candidates, _options.MaxTrainingSamples);
        for (var i = 0; i < attempts; i++)
        {
            var k = horizons[_random.Next(horizons.Count)];
            var span = last - k - firstOrigin;
            if (span < 0)
            {
                continue;
            }

            var t = firstOrigin + _random.NextInt64(span + 1);
            var weight = history.Weight(t + k);
            if (weight <= 0)
            {
                continue; // filled gaps and fully anomalous points teach nothing true
            }

            var row = new FeatureRow();
            var (level, scale) = features.Build(t, k, row.Features);
            row.Label = (float)((history.Value(t + k) - level) / scale);
            row.Weight = (float)weight;
            rows.Add(row);
        }

        if (rows.Count < 50)
        {
            return null;
        }

        Winsorize(rows);
        var context = new MLContext(_options.Seed);
        var data = context.Data.LoadFromEnumerable(rows);
        var trainer = context.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(FeatureRow.Label),
            FeatureColumnName = nameof(FeatureRow.Features),
            ExampleWeightColumnName = nameof(FeatureRow.Weight),
            NumberOfTrees = _options.NumberOfTrees,
            NumberOfLeaves = _options.NumberOfLeaves,
            MinimumExampleCountPerLeaf = 20,
            LearningRate = 0.15,
            MaximumBinCountPerFeature = 64, // halves training time; accuracy on the benchmark unchanged
            // Two, not one: with one thread ML.NET's FastTree runs every per-feature subtask as Task.Run + Wait (a thread
            // hop and a spin per feature per split), which was half of all simulation time; with two it runs them with
            // Parallel.Invoke, which InlineTaskScheduler below keeps on this thread. The trees are identical either way
            // (each feature's split search is independent), so determinism for tests and rollbacks holds.
            NumberOfThreads = TrainingThreads,
            Seed = _options.Seed,
            // On by default: a forced full collection (GC.GetTotalMemory(true)) and the process's memory read from /proc
            // on every training, only to trace them to a channel nobody listens to.
            MemoryStatistics = false,
        });
        TrainerCollections.Disable(trainer);
        var transformer = InlineTaskScheduler.Run(() => trainer.Fit(data));
        var allMetrics = new Dictionary<string, double>(metrics) { ["train_seconds"] = clock.Elapsed.TotalSeconds };
        var info = new ModelInfo
        {
            Step = history.Step,
            HorizonSteps = horizons.Max(),
            TrainedFrom = history.TimeOf(firstOrigin),
            TrainedTo = history.TimeOf(last),
            TrainingRows = rows.Count,
            Series = _options.SeriesName,
            Reason = reason,
            Metrics = allMetrics,
        };
        return new TrainedDemandModel(context, transformer, data.Schema, info);
    }

    /// <summary>
    /// Clips labels to their 0.5%–99.5% range: the squared loss would otherwise chase single bursts, and the forecast
    /// is judged on absolute error. The bursts still shape the intervals through the conformal residuals.
    /// </summary>
    private static void Winsorize(List<FeatureRow> rows)
    {
        var sorted = rows.Select(r => r.Label).Order().ToArray();
        var lo = sorted[(int)(0.005 * (sorted.Length - 1))];
        var hi = sorted[(int)(0.995 * (sorted.Length - 1))];
        foreach (var row in rows)
        {
            row.Label = Math.Clamp(row.Label, lo, hi);
        }
    }
}
