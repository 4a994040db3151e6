using System.Reflection;
using Dso.Forecasting.Model;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Dso.Forecasting.Tests.Model;

public sealed class TrainerCollectionsTests
{
    [Fact]
    public void Disable_FastTreeTrainer_ClearsItsForcedCollectionFlag()
    {
        var trainer = Trainer(new MLContext(seed: 0));
        Assert.True(Flag(trainer), "ML.NET's FastTree no longer starts with AllowGC set: check TrainerCollections still applies");

        Assert.True(TrainerCollections.Disable(trainer), $"no '{TrainerCollections.FieldName}' field found on {trainer.GetType()}: ML.NET renamed it, trainings force full collections again");
        Assert.False(Flag(trainer));
    }

    [Fact]
    public void Disable_ObjectWithoutTheFlag_ChangesNothing() => Assert.False(TrainerCollections.Disable(new object()));

    [Fact]
    public void Fit_WithoutForcedCollections_GivesTheSameTrees()
    {
        var rows = Rows();
        float[] Predict(bool disable)
        {
            var context = new MLContext(seed: 0);
            var data = context.Data.LoadFromEnumerable(rows);
            var trainer = Trainer(context);
            if (disable)
            {
                TrainerCollections.Disable(trainer);
            }

            var model = trainer.Fit(data);
            return [.. context.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).Select(p => p.Score)];
        }

        Assert.Equal(Predict(disable: false), Predict(disable: true));
    }

    private static FastTreeRegressionTrainer Trainer(MLContext context) => context.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
    {
        LabelColumnName = nameof(Row.Label),
        FeatureColumnName = nameof(Row.Features),
        NumberOfTrees = 10,
        NumberOfLeaves = 8,
        MinimumExampleCountPerLeaf = 5,
        MemoryStatistics = false,
        Seed = 0,
    });

    private static bool Flag(object trainer)
    {
        for (var type = trainer.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField(TrainerCollections.FieldName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is { } field)
            {
                return (bool)field.GetValue(trainer)!;
            }
        }

        throw new InvalidOperationException($"no {TrainerCollections.FieldName} field on {trainer.GetType()}");
    }

    private static List<Row> Rows()
    {
        var random = new Random(7);
        return [.. Enumerable.Range(0, 400).Select(i =>
        {
            var x = new float[] { (float)random.NextDouble(), (float)random.NextDouble(), i % 24 };
            return new Row { Features = x, Label = (float)((3 * x[0]) - x[1] + Math.Sin(x[2] / 4) + (0.1 * random.NextDouble())) };
        })];
    }

    private sealed class Row
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
