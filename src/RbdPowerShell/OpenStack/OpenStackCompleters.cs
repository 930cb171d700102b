using System.Collections;
using RbdPowerShell.Engine;
using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell;

/// <summary>The base of the OpenStack completers: ids and names of one kind of record of the cluster.</summary>
public abstract class OpenStackRecordCompleter<T> : RbdCompleter where T : class, IOpenStackRecord
{
    protected override IEnumerable<string> Complete(IRbdCluster cluster, string word, IDictionary bound)
    {
        var list = OpenStackSession.Database(cluster).List<T>();
        return Matching(list.Select(r => r.Id).Concat(list.Select(r => r.Name).Where(n => n.Length > 0)).Distinct(), word);
    }
}

public sealed class GlanceImageCompleter : OpenStackRecordCompleter<GlanceImage> { }
public sealed class NovaServerCompleter : OpenStackRecordCompleter<NovaServer> { }
public sealed class CinderVolumeCompleter : OpenStackRecordCompleter<CinderVolume> { }
public sealed class CinderSnapshotCompleter : OpenStackRecordCompleter<CinderSnapshot> { }
public sealed class CinderBackupCompleter : OpenStackRecordCompleter<CinderBackup> { }
