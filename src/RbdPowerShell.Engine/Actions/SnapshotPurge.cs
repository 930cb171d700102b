namespace RbdPowerShell.Engine;

/// <summary>What rbd snap purge did: the snapshots removed, and the protected ones it left (rbd reports them and exits 0).</summary>
public sealed record SnapshotPurgeResult(IReadOnlyList<string> Removed, IReadOnlyList<string> Protected);

/// <summary>rbd snap purge: librbd has no such call, so rbd (and this) removes every unprotected snapshot, oldest first.</summary>
public static class SnapshotPurge
{
    /// <param name="confirm">Asked for each unprotected snapshot before it goes (-WhatIf/-Confirm); false keeps it.</param>
    public static SnapshotPurgeResult Run(IRbdImage image, Func<SnapshotInfo, bool> confirm)
    {
        var snapshots = image.ListSnapshots();
        var removed = new List<string>();
        foreach (var snapshot in snapshots.Where(s => !s.Protected))
        {
            if (!confirm(snapshot)) continue;
            image.RemoveSnapshot(snapshot.Name);
            removed.Add(snapshot.Name);
        }
        return new SnapshotPurgeResult(removed, snapshots.Where(s => s.Protected).Select(s => s.Name).ToList());
    }
}
