using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>
/// New-GlanceImage [-Name] name [-Path file] [-DiskFormat raw|qcow2] [-ContainerFormat bare]: glance image-create,
/// uploading the file through Glance's rbd store (create, chunked write with MD5, snap + protect); without -Path,
/// a queued record for the fast path (Import-RbdImage + snapshot + Add-GlanceImageLocation).
/// </summary>
[Cmdlet(VerbsCommon.New, "GlanceImage", SupportsShouldProcess = true)]
[OutputType(typeof(GlanceImage))]
public sealed class NewGlanceImageCommand : OpenStackCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The image file to upload; without it the image stays queued (no data).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ValidateSet("raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "iso", "ami", "ari", "aki")]
    public string DiskFormat { get; set; } = "raw";

    [Parameter]
    [ValidateSet("bare", "ovf", "ova", "aki", "ari", "ami", "docker", "compressed")]
    public string ContainerFormat { get; set; } = "bare";

    protected override void ProcessTarget()
    {
        string? file = Path is null ? null : ResolvePath(Path);
        RunAndWrite(context => GlanceWorkflows.Upload(context, Name, file, DiskFormat, ContainerFormat));
    }
}
