using System.Globalization;
using System.Xml.Linq;

namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>The Auto Scaling actions the adapter uses, over <see cref="AutoScalingClient"/>, with their XML read into records.</summary>
internal sealed class AutoScalingApi(AutoScalingClient client)
{
    public string Region => client.Region;

    public async Task<IReadOnlyList<AutoScalingGroup>> DescribeGroupsAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var groups = new List<AutoScalingGroup>();
        string? token = null;
        do
        {
            var parameters = names.Select((n, i) => P($"AutoScalingGroupNames.member.{i + 1}", n)).ToList();
            if (token is not null)
            {
                parameters.Add(P("NextToken", token));
            }

            var result = await client.SendAsync("DescribeAutoScalingGroups", parameters, cancellationToken).ConfigureAwait(false);
            groups.AddRange(Child(result, "AutoScalingGroups")?.Elements().Select(ReadGroup) ?? []);
            token = Value(result, "NextToken");
        }
        while (!string.IsNullOrEmpty(token));

        return groups;
    }

    public Task SetDesiredCapacityAsync(string group, int desired, CancellationToken cancellationToken) =>
        client.SendAsync("SetDesiredCapacity", [P("AutoScalingGroupName", group), P("DesiredCapacity", Int(desired)), P("HonorCooldown", "false")], cancellationToken);

    public Task UpdateGroupAsync(string group, int desired, int minSize, int maxSize, CancellationToken cancellationToken) =>
        client.SendAsync("UpdateAutoScalingGroup",
            [P("AutoScalingGroupName", group), P("DesiredCapacity", Int(desired)), P("MinSize", Int(minSize)), P("MaxSize", Int(maxSize))], cancellationToken);

    /// <summary>Writes one tag on each group (not propagated to instances).</summary>
    public Task TagGroupsAsync(IReadOnlyList<string> groups, string key, string value, CancellationToken cancellationToken) =>
        TagGroupsAsync(groups.Select(g => (g, value)).ToList(), key, cancellationToken);

    /// <summary>Writes one tag with a value per group, in one call (not propagated to instances).</summary>
    public Task TagGroupsAsync(IReadOnlyList<(string Group, string Value)> values, string key, CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < values.Count; i++)
        {
            var prefix = $"Tags.member.{i + 1}.";
            parameters.Add(P(prefix + "ResourceId", values[i].Group));
            parameters.Add(P(prefix + "ResourceType", "auto-scaling-group"));
            parameters.Add(P(prefix + "Key", key));
            parameters.Add(P(prefix + "Value", values[i].Value));
            parameters.Add(P(prefix + "PropagateAtLaunch", "false"));
        }

        return client.SendAsync("CreateOrUpdateTags", parameters, cancellationToken);
    }

    public async Task<IReadOnlyList<ScalingActivity>> LatestActivitiesAsync(string group, int count, CancellationToken cancellationToken)
    {
        var result = await client.SendAsync("DescribeScalingActivities", [P("AutoScalingGroupName", group), P("MaxRecords", Int(count))], cancellationToken).ConfigureAwait(false);
        return Child(result, "Activities")?.Elements()
            .Select(a => new ScalingActivity(Value(a, "StatusCode") ?? "", Value(a, "StatusMessage"), Value(a, "Description")))
            .ToList() ?? [];
    }

    private static AutoScalingGroup ReadGroup(XElement g) => new(
        Value(g, "AutoScalingGroupName") ?? "",
        Number(g, "DesiredCapacity"),
        Number(g, "MinSize"),
        Number(g, "MaxSize"),
        Child(g, "Instances")?.Elements().Select(i => new AutoScalingInstance(Value(i, "InstanceId") ?? "", Value(i, "LifecycleState") ?? "", Value(i, "InstanceType"))).ToList() ?? [],
        Child(g, "Tags")?.Elements().GroupBy(t => Value(t, "Key") ?? "").ToDictionary(t => t.Key, t => Value(t.Last(), "Value") ?? "", StringComparer.Ordinal)
            ?? new Dictionary<string, string>());

    private static XElement? Child(XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name);

    private static string? Value(XElement e, string name) => Child(e, name)?.Value;

    private static int Number(XElement e, string name) => int.TryParse(Value(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static KeyValuePair<string, string> P(string key, string value) => new(key, value);
}
