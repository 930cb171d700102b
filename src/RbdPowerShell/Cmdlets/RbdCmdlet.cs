using System.Management.Automation;
using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>
/// The base of every cmdlet that works on a cluster: -Cluster resolution (session default),
/// spec resolution, RbdException to ErrorRecord conversion, the rbd command line for -Verbose and
/// -WhatIf, progress, and building the output objects. Cmdlets implement <see cref="ProcessTarget"/>.
/// </summary>
public abstract class RbdCmdlet : PSCmdlet
{
    /// <summary>The cluster to work on; default: the session's current cluster (Connect-RbdCluster).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public RbdCluster? Cluster { get; set; }

    /// <summary>
    /// The cluster this call works on: -Cluster, piped objects' Cluster, or the session default.
    /// None: NoCluster; one closed by Disconnect-RbdCluster: ClusterDisconnected (both stop the command).
    /// </summary>
    protected RbdCluster TargetCluster
    {
        get
        {
            var cluster = Cluster ?? RbdSession.Current;
            if (cluster is null) ThrowTerminatingError(RbdErrors.NoCluster());
            if (!cluster!.IsConnected) ThrowTerminatingError(RbdErrors.From(RbdErrors.Disconnected(cluster)));
            return cluster;
        }
    }

    protected IRbdCluster Connection => TargetCluster.Connection;

    /// <summary>Processes one pipeline record (or the call's parameters).</summary>
    protected abstract void ProcessTarget();

    protected sealed override void ProcessRecord() => Try(ProcessTarget);

    /// <summary>
    /// Runs <paramref name="work"/>; an RbdException becomes a non-terminating error (or a terminating
    /// one for malformed input), so a pipeline goes on with its next item. Returns whether it succeeded.
    /// </summary>
    protected bool Try(Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (RbdException ex)
        {
            Fail(ex);
        }
        catch (FileNotFoundException ex)
        {
            WriteError(RbdErrors.FromIo(ex, "FileNotFound", ErrorCategory.ObjectNotFound, ex.FileName ?? ""));
        }
        catch (DirectoryNotFoundException ex)
        {
            WriteError(RbdErrors.FromIo(ex, "DirectoryNotFound", ErrorCategory.ObjectNotFound, ""));
        }
        catch (UnauthorizedAccessException ex)
        {
            WriteError(RbdErrors.FromIo(ex, "AccessDenied", ErrorCategory.PermissionDenied, ""));
        }
        catch (IOException ex)
        {
            WriteError(RbdErrors.FromIo(ex, "IOError", ErrorCategory.WriteError, ""));
        }
        return false;
    }

    /// <summary>Reports a refusal: terminating for malformed input, otherwise non-terminating.</summary>
    protected void Fail(RbdException ex)
    {
        var record = RbdErrors.From(ex);
        if (RbdErrors.IsInputError(ex)) ThrowTerminatingError(record);
        WriteError(record);
    }

    // ---- specs ----------------------------------------------------------------------------------

    /// <summary>
    /// Resolves a target from a positional spec in rbd syntax (pool/image@snap) or from -Pool/-Image/-Snapshot
    /// (a snapshot given both ways must agree). Returns null when nothing names a target.
    /// Malformed specs throw RbdException InvalidSpec/InvalidName.
    /// </summary>
    protected static ImageSpec? ResolveSpec(string? spec, string? pool, string? image, string? snapshot, SpecKind kind)
    {
        ImageSpec result;
        string text;
        if (spec is not null)
        {
            text = spec;
            var parseKind = snapshot is null ? kind
                : kind == SpecKind.PoolOrImage ? SpecKind.PoolOrImage : SpecKind.ImageOrSnapshot;
            result = ImageSpec.Parse(spec, parseKind);
            if (snapshot is not null)
            {
                NameRules.Check(snapshot, "snapshot", $"{spec}@{snapshot}");
                if (result.Image is null)
                    throw ImageSpec.Invalid(spec, "-Snapshot needs an image; expected pool/image");
                if (result.Snapshot is not null && result.Snapshot != snapshot)
                    throw ImageSpec.Invalid(spec, $"it names snapshot '{result.Snapshot}' but -Snapshot says '{snapshot}'");
                result = result with { Snapshot = snapshot };
            }
        }
        else if (pool is not null || image is not null)
        {
            pool ??= ImageSpec.DefaultPool;
            text = image is null ? pool : snapshot is null ? $"{pool}/{image}" : $"{pool}/{image}@{snapshot}";
            NameRules.Check(pool, "pool", text);
            if (image is not null) NameRules.Check(image, "image", text);
            if (snapshot is not null) NameRules.Check(snapshot, "snapshot", text);
            if (image is null && (kind != SpecKind.PoolOrImage || snapshot is not null))
                throw ImageSpec.Invalid(text, "an image name is required (-Image)");
            result = new ImageSpec(pool, image, snapshot);
        }
        else if (snapshot is not null)
        {
            throw ImageSpec.Invalid("@" + snapshot, "-Snapshot needs an image; expected pool/image");
        }
        else
        {
            return null;
        }

        if (kind == SpecKind.Image && result.Snapshot is not null)
            throw ImageSpec.Invalid(text, "a snapshot is not allowed here; expected pool/image");
        if (kind == SpecKind.Snapshot && result.Snapshot is null)
            throw ImageSpec.Invalid(text, "a snapshot name is required; expected pool/image@snap");
        return result;
    }

    /// <summary>Resolves a spec that must be present.</summary>
    protected static ImageSpec RequireSpec(string? spec, string? pool, string? image, string? snapshot, SpecKind kind) =>
        ResolveSpec(spec, pool, image, snapshot, kind)
        ?? throw ImageSpec.Invalid("", "an image spec is required; expected pool/image");

    // ---- the engine -----------------------------------------------------------------------------

    /// <summary>The cluster's own check (the embedded store); NotSupported on Ceph, which checks itself (scrub).</summary>
    protected static IRbdStoreCheck StoreCheckOf(RbdCluster cluster, string cmdlet) =>
        cluster.Connection as IRbdStoreCheck
        ?? throw RbdErrors.Refusal(RbdErrno.ENOTSUP, "NotSupported", cluster.Location,
            $"The cluster at '{cluster.Location}' ({cluster.Backend}) cannot check itself; {cmdlet} works on embedded stores.");

    /// <summary>Opens the image (or its snapshot) that <paramref name="spec"/> names.</summary>
    protected IRbdImage OpenImage(ImageSpec spec, RbdCluster? cluster = null) =>
        (cluster ?? TargetCluster).Connection.OpenImage(spec.Pool, spec.Image!, spec.Snapshot);

    /// <summary>The RbdImage for an open handle (rbd info).</summary>
    protected RbdImage Describe(IRbdImage image, RbdCluster? cluster = null)
    {
        var row = new ImageDescription(image.Stat(), image.ListSnapshots());
        return new RbdImage(row.Info, row.Snapshots.Count, row.Protected, cluster ?? TargetCluster);
    }

    /// <summary>The RbdImage for a spec (opens and closes the image).</summary>
    protected RbdImage Describe(ImageSpec spec, RbdCluster? cluster = null)
    {
        using var image = OpenImage(spec, cluster);
        return Describe(image, cluster);
    }

    /// <summary>The RbdSnapshot named <paramref name="name"/> of an open image.</summary>
    protected RbdSnapshot DescribeSnapshot(IRbdImage image, string name)
    {
        var info = image.ListSnapshots().FirstOrDefault(s => s.Name == name)
                   ?? throw RbdException.NotFound("Snapshot", $"{image.Pool}/{image.Name}@{name}");
        return new RbdSnapshot(image.Pool, image.Name, info, TargetCluster);
    }

    // ---- what the user sees ---------------------------------------------------------------------

    /// <summary>
    /// ShouldProcess in rbd terms: -WhatIf prints "What if: rbd rm pool/image", -Verbose prints the
    /// command line, -Confirm asks "Are you sure you want to remove image 'pool/image'?".
    /// With <paramref name="force"/> (a cmdlet's -Force) no confirmation is asked unless -Confirm is given.
    /// </summary>
    protected bool ShouldRun(string command, string action, bool force = false)
    {
        command = TargetCluster.CommandLine(command);
        if (force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !IsWhatIf)
        {
            WriteVerbose(command);
            return true;
        }
        return ShouldProcess(command, $"Are you sure you want to {action}?\n{command}", "Confirm");
    }

    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var v) ? v is SwitchParameter s && s.IsPresent
        : SessionState.PSVariable.GetValue("WhatIfPreference") is { } pref && LanguagePrimitives.IsTrue(pref);

    /// <summary>-Verbose: the rbd command line of a read-only call.</summary>
    protected void WriteCommand(string command) => WriteVerbose(TargetCluster.CommandLine(command));

    /// <summary>Write-Progress for a long engine call, naming its image: <c>using var p = Progress("Flattening", spec);</c></summary>
    internal ProgressReporter Progress(string activity, object target) => new(this, activity, target.ToString() ?? "");

    /// <summary>A file path relative to the PowerShell current location (not the process's).</summary>
    protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>A size parameter: bytes (1GB) or an rbd string (1024M, 10G). Malformed: terminating InvalidSize.</summary>
    protected static ulong ParseSize(object value, string what) => SizeParser.Parse(value, what);

    /// <summary>
    /// An image size (-Size of New- and Resize-RbdImage). A bare number stays bytes, but rbd create and resize read
    /// one as MiB: below 1 MiB (where the two differ most and bytes are rarely meant) a warning says so.
    /// </summary>
    protected ulong ParseImageSize(object value)
    {
        ulong bytes = ParseSize(value, "size");
        var raw = value is PSObject pso ? pso.BaseObject : value;
        bool bare = raw is not string text || text.Trim().All(char.IsAsciiDigit);
        if (bare && bytes > 0 && bytes < 1 << 20)
            WriteWarning($"-Size {bytes} is {bytes} bytes ({SizeParser.Format(bytes)}); rbd reads a bare number as MiB, " +
                         $"so 'rbd --size {bytes}' would mean {SizeParser.Format(bytes << 20)}. Write {bytes}M for that, or {bytes}B to say bytes.");
        return bytes;
    }

    /// <summary>
    /// -ObjectSize as an image order: a power of two from 4 KiB to 32 MiB (rbd's orders 12 to 25).
    /// Returns the options and the rbd argument ("--object-size 8M"), or the defaults for null.
    /// </summary>
    protected static (ImageOptions Options, string Argument) ParseObjectSize(object? objectSize)
    {
        if (objectSize is null) return (ImageOptions.Default, "");
        ulong bytes = ParseSize(objectSize, "object size");
        int order = System.Numerics.BitOperations.Log2(bytes);
        if (bytes == 0 || (bytes & (bytes - 1)) != 0 || order < 12 || order > 25)
            throw RbdErrors.Refusal(RbdErrno.EINVAL, "InvalidSize", objectSize.ToString() ?? "",
                $"'{objectSize}' is not a valid object size: it must be a power of two from 4K to 32M (for example 4M or 8M).");
        return (new ImageOptions { Order = order }, "--object-size " + RbdCommandLine.Size(bytes));
    }

    /// <summary>Writes an object under an extra type name, which selects a different format view.</summary>
    protected void WriteObjectAs(object value, string typeName)
    {
        var wrapped = PSObject.AsPSObject(value);
        wrapped.TypeNames.Insert(0, typeName);
        WriteObject(wrapped);
    }
}
