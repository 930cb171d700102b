using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-OpenStackRbdConfig: the glance-api.conf / nova.conf / cinder.conf rbd options the workflows use.</summary>
[Cmdlet(VerbsCommon.Get, "OpenStackRbdConfig")]
[OutputType(typeof(OpenStackSettings))]
public sealed class GetOpenStackRbdConfigCommand : OpenStackCmdlet
{
    protected override void ProcessTarget() => WriteRecord(OpenStackSession.Database(TargetCluster).Settings);
}
