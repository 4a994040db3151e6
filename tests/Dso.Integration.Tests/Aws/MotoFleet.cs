using Amazon.EC2;
using Amazon.EC2.Model;
using Dso.Cloud.Aws.AutoScaling;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Aws;

/// <summary>A launch template and Auto Scaling groups in moto, and the running instances counted from EC2 itself.</summary>
internal sealed class MotoFleet(MotoServer moto) : IDisposable
{
    private readonly AmazonEC2Client _ec2 = new(new AmazonEC2Config { ServiceURL = moto.Url.ToString(), AuthenticationRegion = MotoServer.Region });
    private readonly AutoScalingClient _asg = new(new AutoScalingClientOptions { Region = MotoServer.Region, ServiceUrl = moto.Url });

    public AutoScalingApi Api => new(_asg);

    public async Task CreateGroupsAsync(params (string Name, string Type, int Desired)[] groups)
    {
        foreach (var (name, type, desired) in groups)
        {
            var template = "lt-" + name;
            await _ec2.CreateLaunchTemplateAsync(new CreateLaunchTemplateRequest
            {
                LaunchTemplateName = template,
                LaunchTemplateData = new RequestLaunchTemplateData { ImageId = "ami-03cf127a", InstanceType = type },
            });
            await _asg.SendAsync("CreateAutoScalingGroup",
            [
                new("AutoScalingGroupName", name),
                new("LaunchTemplate.LaunchTemplateName", template),
                new("LaunchTemplate.Version", "$Latest"),
                new("MinSize", "0"),
                new("MaxSize", "20"),
                new("DesiredCapacity", desired.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("AvailabilityZones.member.1", "us-east-1a"),
            ], CancellationToken.None);
        }
    }

    public async Task<int> DesiredAsync(string group) =>
        (await Api.DescribeGroupsAsync([group], CancellationToken.None)).Single().DesiredCapacity;

    public async Task<IReadOnlyDictionary<string, AutoScalingGroup>> GroupsAsync(params string[] names) =>
        (await Api.DescribeGroupsAsync(names, CancellationToken.None)).ToDictionary(g => g.Name, StringComparer.Ordinal);

    /// <summary>Ids of the instances EC2 reports pending or running, sorted.</summary>
    public async Task<IReadOnlyList<string>> RunningInstanceIdsAsync()
    {
        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest());
        return (response.Reservations ?? []).SelectMany(r => r.Instances ?? [])
            .Where(i => i.State.Name == InstanceStateName.Running || i.State.Name == InstanceStateName.Pending)
            .Select(i => i.InstanceId).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Instances EC2 reports pending or running, across every group: what the account pays for.</summary>
    public async Task<int> RunningInstancesAsync()
    {
        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest());
        return (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Count(i => i.State.Name == InstanceStateName.Running || i.State.Name == InstanceStateName.Pending);
    }

    public void Dispose()
    {
        _ec2.Dispose();
        _asg.Dispose();
    }
}
