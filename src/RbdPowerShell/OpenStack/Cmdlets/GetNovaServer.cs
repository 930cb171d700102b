using System.Management.Automation;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>Get-NovaServer [[-Id] id] [-Name name]: nova list / nova show.</summary>
[Cmdlet(VerbsCommon.Get, "NovaServer")]
[OutputType(typeof(NovaServer))]
public sealed class GetNovaServerCommand : OpenStackGetCmdlet<NovaServer>
{
    /// <summary>The server's id or name.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ServerId")]
    [ArgumentCompleter(typeof(NovaServerCompleter))]
    public string? Id { get; set; }

    protected override string? IdOrName => Id;

    protected override NovaServer Lookup(OpenStackContext context, string idOrName) => context.Server(idOrName);
}
