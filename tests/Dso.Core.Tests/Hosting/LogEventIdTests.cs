using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Dso.Core.Tests.Hosting;

/// <summary>
/// Every log message the product writes has its own event id, so an operator's alert or log query on an id (the
/// README names several: 6001 an experiment's guardrail, 6004 a new decision log beside old state) matches one thing.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLoggerMessage_HasAnEventIdNoOtherMessageUses()
    {
        var assemblies = new[]
        {
            typeof(Dso.Controller.Alerts.AlertOptions), typeof(Dso.Reconcile.ServiceLoop), typeof(Dso.DecisionLog.SqliteDecisionLog),
            typeof(Dso.Cloud.Aws.AwsProviderFactory), typeof(Dso.Cloud.Azure.AzureCloudServiceCollectionExtensions),
            typeof(Dso.Cloud.Kubernetes.KubernetesCloudServiceCollectionExtensions), typeof(Dso.Cloud.Resilience.MeteredCloudProvider),
            typeof(Dso.Cloud.Simulated.SimulatedCloud), typeof(Dso.Ingestion.Push.PushIngestor),
        }.Select(t => t.Assembly).Distinct().ToList();
        var messages = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.True(messages.Count >= 30, $"only {messages.Count} logger messages found: the scan lost an assembly");
        var shared = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
