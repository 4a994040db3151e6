namespace Dso.DecisionLog;
