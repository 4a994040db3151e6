using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Dso.Forecasting.Model;

/// <summary>
/// Scores a FastTree ensemble directly from its trees (flattened into arrays). A PredictionEngine costs tens of
/// milliseconds to build and microseconds per call in schema plumbing; the service scores ~a dozen anchors per tick
/// for tens of thousands of ticks and swaps models on every retraining, so both costs matter. The same trees,
/// thresholds and rule as ML.NET's (go left when value ≤ threshold); a test checks agreement with the engine.
/// </summary>
internal sealed class TreeEnsembleEvaluator
{
    private readonly int[] _roots;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _leafStart;
    private readonly double[] _leafValues;
    private readonly double[] _treeWeights;
    private readonly double _bias;

    private TreeEnsembleEvaluator(RegressionTreeEnsemble ensemble)
    {
        var trees = ensemble.Trees;
        _roots = new int[trees.Count];
        _leafStart = new int[trees.Count];
        _treeWeights = ensemble.TreeWeights.ToArray();
        _bias = ensemble.Bias;
        var left = new List<int>();
        var right = new List<int>();
        var feature = new List<int>();
        var threshold = new List<float>();
        var leaves = new List<double>();
        for (var i = 0; i < trees.Count; i++)
        {
            var tree = trees[i];
            if (tree.CategoricalSplitFlags.Any(f => f))
            {
                throw new NotSupportedException("categorical splits");
            }

            // Node ids are offset into the shared arrays; leaves stay encoded as ~leafIndex (tree-local).
            var offset = left.Count;
            _roots[i] = offset;
            _leafStart[i] = leaves.Count;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                left.Add(tree.LeftChild[n] >= 0 ? tree.LeftChild[n] + offset : tree.LeftChild[n]);
                right.Add(tree.RightChild[n] >= 0 ? tree.RightChild[n] + offset : tree.RightChild[n]);
                feature.Add(tree.NumericalSplitFeatureIndexes[n]);
                threshold.Add(tree.NumericalSplitThresholds[n]);
            }

            if (tree.NumberOfNodes == 0)
            {
                _roots[i] = -1; // a single-leaf tree
            }

            leaves.AddRange(tree.LeafValues);
        }

        _left = left.ToArray();
        _right = right.ToArray();
        _feature = feature.ToArray();
        _threshold = threshold.ToArray();
        _leafValues = leaves.ToArray();
    }

    /// <summary>Null when the transformer is not a plain FastTree regression (the caller then uses a PredictionEngine).</summary>
    public static TreeEnsembleEvaluator? TryCreate(ITransformer transformer)
    {
        var last = transformer is TransformerChain<ITransformer> chain ? chain.LastTransformer : transformer;
        if (last is not ISingleFeaturePredictionTransformer<object> { Model: FastTreeRegressionModelParameters model })
        {
            return null;
        }

        try
        {
            return new TreeEnsembleEvaluator(model.TrainedTreeEnsemble);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    public double Score(float[] features)
    {
        var sum = 0.0;
        for (var i = 0; i < _roots.Length; i++)
        {
            var node = _roots[i];
            while (node >= 0)
            {
                node = features[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
            }

            sum += _treeWeights[i] * _leafValues[_leafStart[i] + ~node];
        }

        return sum + _bias;
    }
}
