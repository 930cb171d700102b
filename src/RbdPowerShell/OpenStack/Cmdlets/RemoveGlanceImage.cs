using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// Remove-GlanceImage [-Image] image: glance image-delete (snap unprotect, snap rm, rm); refused with InUseByStore,
/// naming them, while servers or volumes are clones of it.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "GlanceImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveGlanceImageCommand : OpenStackCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(GlanceImageCompleter))]
    public object? Image { get; set; }

    protected override void ProcessTarget() =>
        RunPlan(context => GlanceWorkflows.Delete(context, IdOf(Image, "Glance image")), out _);
}
