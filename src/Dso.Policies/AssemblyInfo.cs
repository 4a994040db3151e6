namespace Dso.Policies;
