namespace Dso.Reconcile;
