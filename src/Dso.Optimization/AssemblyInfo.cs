namespace Dso.Optimization;
