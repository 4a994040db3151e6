using System.ComponentModel.DataAnnotations;

namespace Dso.Experiments.Analysis;

/// <summary>Settings of the switchback analysis; the defaults are the conventional 5 % level and 80 % power.</summary>
public sealed class AnalysisOptions
{
    public const double DefaultAlpha = 0.05;
    public const int DefaultDraws = 2000;
    public const int DefaultExactGroups = 12;
    public const double DefaultTargetPower = 0.8;
    public const double DefaultDetectableRelative = 0.05;

    /// <summary>Family-wise error rate over all variant-vs-control comparisons (Holm), and 1 - the interval's coverage.</summary>
    [Range(0.0001, 0.5)]
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Re-drawn assignments for the Monte Carlo randomization test when exact enumeration is too large.</summary>
    [Range(99, 1_000_000)]
    public int Draws { get; init; } = DefaultDraws;

    /// <summary>Up to this many groups every possible assignment is enumerated (2^groups), so the p-value is exact.</summary>
    [Range(1, 20)]
    public int ExactGroups { get; init; } = DefaultExactGroups;

    [Range(0.5, 0.999)]
    public double TargetPower { get; init; } = DefaultTargetPower;

    /// <summary>The relative difference the sample-size estimate is for ("blocks to detect a 5 % cost difference").</summary>
    [Range(0.001, 10)]
    public double DetectableRelative { get; init; } = DefaultDetectableRelative;
}
