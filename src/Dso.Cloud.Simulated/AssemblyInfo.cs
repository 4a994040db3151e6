namespace Dso.Cloud.Simulated;
