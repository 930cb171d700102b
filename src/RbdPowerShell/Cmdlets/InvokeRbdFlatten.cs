using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>Invoke-RbdFlatten [-Spec] pool/image: rbd flatten, copying what a clone still reads from its parents, then detaching it.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "RbdFlatten", SupportsShouldProcess = true, DefaultParameterSetName = SpecSet)]
[OutputType(typeof(RbdImage))]
public sealed class InvokeRbdFlattenCommand : RbdImageCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override SpecKind Kind => SpecKind.Image;

    protected override void ProcessTarget()
    {
        var spec = Target;
        Change(spec, RbdCommandLine.Rbd("flatten", RbdCommandLine.Arg(spec.ToString())), $"flatten image '{spec}'",
               image =>
               {
                   using (var progress = Progress("Flattening", spec))
                       image.Flatten(progress.Handler);
                   if (PassThru) WriteObject(Describe(image));
               });
    }
}
