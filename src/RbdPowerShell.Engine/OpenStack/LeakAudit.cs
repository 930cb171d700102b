namespace RbdPowerShell.Engine.OpenStack;

/// <summary>
/// Find-RbdLeak: what should not be on the cluster, judged from the lineage of every image (what it is to
/// OpenStack, its snapshots and clones) and the Glance, Nova and Cinder records. Nothing anything is cloned from
/// is a leak. Findings come in an order that cleans up: when a cleanup frees more (the parent of a removed clone),
/// that comes as a later finding, planned as if the earlier ones were done.
/// </summary>
public static class LeakAudit
{
    public static IReadOnlyList<LeakFinding> Run(OpenStackContext context)
    {
        var roles = new OpenStackRoles(context.Database);
        var nodes = Lineage.Build(context.Cluster, roles, null, withUsage: false);
        var cleanup = new LeakCleanup(context);
        var findings = new List<LeakFinding>();
        var judge = new Judge(roles, nodes, cleanup.Gone);
        for (bool more = true; more;)
        {
            more = false;
            foreach (var node in nodes)
            {
                if (cleanup.Gone.Contains(node.Spec) || findings.Any(f => f.Spec == node.Spec)) continue;
                if ((node.IsSnapshot ? judge.Snapshot(node) : judge.Image(node)) is not { } finding) continue;
                findings.Add(finding with { Steps = Steps(cleanup, finding) });
                more = true;
            }
        }
        findings.AddRange(RecordLeaks(context, roles, nodes.Select(n => n.Spec).ToHashSet(StringComparer.Ordinal)));
        return findings;
    }

    private static IReadOnlyList<string> Steps(LeakCleanup cleanup, LeakFinding finding)
    {
        try { return cleanup.Plan(finding).Commands; }
        catch (RbdException ex) { return new[] { "# cannot clean up: " + ex.Message }; }
    }

    private sealed class Judge(OpenStackRoles roles, IReadOnlyList<LineageNode> nodes, ISet<string> gone)
    {
        private int LiveClones(LineageNode snapshot) =>
            nodes.Count(n => !n.IsSnapshot && n.ParentSpec == snapshot.Spec && !gone.Contains(n.Spec));

        private IEnumerable<LineageNode> SnapshotsOf(string imageSpec) =>
            nodes.Where(n => n.IsSnapshot && n.ParentSpec == imageSpec && !gone.Contains(n.Spec));

        private static LeakFinding Found(LeakKind kind, LineageNode node, string reason) =>
            new() { Kind = kind, Spec = node.Spec, Reason = reason, OpenStackKind = node.OpenStackKind };

        public LeakFinding? Image(LineageNode node)
        {
            if (SnapshotsOf(node.Spec).Any(s => LiveClones(s) > 0)) return null;
            string what = node.OpenStackKind switch
            {
                OpenStackKind.GlanceImage => "a Glance image",
                OpenStackKind.CinderVolume => "a Cinder volume",
                _ => "",
            };
            return node.OpenStackKind switch
            {
                OpenStackKind.Unknown => Found(LeakKind.UnaccountedImage, node, "no Glance, Nova or Cinder record and no naming rule accounts for it"),
                OpenStackKind.NovaRootDisk when !node.FromRecord && roles.HasRecords =>
                    Found(LeakKind.OrphanedServerDisk, node, $"server {node.OpenStackId} no longer exists (no Nova record), but its disk is still here"),
                OpenStackKind.GlanceImage or OpenStackKind.CinderVolume when !node.FromRecord && roles.HasRecords =>
                    Found(LeakKind.UnaccountedImage, node, $"named like {what} ({node.OpenStackId}), but no record has it"),
                OpenStackKind.DeletedVolume =>
                    Found(LeakKind.DeletedVolumeWithoutClones, node, $"volume {node.OpenStackId} was deleted while it had clones; none is left"),
                OpenStackKind.BackupBase when !node.FromRecord && !VolumeExists(node.OpenStackId!) =>
                    Found(LeakKind.OrphanedBackupBase, node, $"volume {node.OpenStackId} is gone and no backup record uses this base"),
                _ => null,
            };
        }

        private bool VolumeExists(string volumeId) =>
            roles.Volumes.Any(v => v.Id == volumeId) ||
            nodes.Any(n => !n.IsSnapshot && n.OpenStackKind is OpenStackKind.CinderVolume or OpenStackKind.DeletedVolume &&
                           n.OpenStackId == volumeId && !gone.Contains(n.Spec));

        public LeakFinding? Snapshot(LineageNode node)
        {
            if (LiveClones(node) > 0) return null;
            switch (node.OpenStackKind)
            {
                case OpenStackKind.TemporarySnapshot:
                    return Found(LeakKind.UnusedTemporarySnapshot, node, node.Snapshot!.EndsWith(CinderVolumeWorkflows.CloneSnapSuffix, StringComparison.Ordinal)
                        ? "Cinder's .clone_snap, but no volume is cloned from it"
                        : "Nova's temporary snapshot of a server snapshot that did not finish; nothing is cloned from it");
                case OpenStackKind.BackupSnapshot:
                    return StaleBackup(node);
                case OpenStackKind.GlanceSnapshot:
                case OpenStackKind.VolumeSnapshot when node.FromRecord || !roles.HasRecords:
                    return null;
                default:
                    return node.Protected == true
                        ? Found(LeakKind.UnusedProtectedSnapshot, node, "protected, but nothing is cloned from it")
                        : null;
            }
        }

        /// <summary>
        /// A backup snapshot of no backup (when there are records), or on a volume one older than the newest (of
        /// the recorded ones): Cinder diffs the next incremental from the newest and removes the older ones itself.
        /// </summary>
        private LeakFinding? StaleBackup(LineageNode node)
        {
            if (roles.HasRecords && !node.FromRecord)
                return Found(LeakKind.StaleBackupSnapshot, node, $"backup {node.OpenStackId} has no record: a failed or deleted backup left it");
            var image = nodes.First(n => n.Spec == node.ParentSpec);
            if (image.OpenStackKind == OpenStackKind.BackupBase) return null;
            var newest = SnapshotsOf(image.Spec).Where(s => s.OpenStackKind == OpenStackKind.BackupSnapshot && (s.FromRecord || !roles.HasRecords))
                .MaxBy(s => OpenStackRoles.BackupTime(s.Snapshot!));
            return newest is not null && newest.Spec != node.Spec
                ? Found(LeakKind.StaleBackupSnapshot, node, $"older than the volume's newest backup snapshot {newest.Snapshot}, which the next incremental backup starts from")
                : null;
        }
    }

    /// <summary>Records whose image or snapshot is not on the cluster (backups on another cluster are not checked).</summary>
    private static IEnumerable<LeakFinding> RecordLeaks(OpenStackContext context, OpenStackRoles roles, ISet<string> specs)
    {
        LeakFinding? Missing<T>(T record, string? spec, string what) where T : IOpenStackRecord =>
            spec is null || specs.Contains(spec) ? null : new LeakFinding
            {
                Kind = LeakKind.RecordWithoutImage, Spec = spec, RecordType = typeof(T).Name, RecordId = record.Id,
                Reason = $"{what} '{record.Name}' ({record.Id}) points at {spec}, which does not exist",
                Steps = new[] { $"# forget the {typeof(T).Name} record {record.Id}: {spec} is gone" },
            };

        var found = new List<LeakFinding?>();
        foreach (var image in roles.Images.Where(i => i.Status == "active"))
            found.Add(Missing(image, GlanceSnapSpec(context, image), "Glance image"));
        found.AddRange(roles.Servers.Select(s => Missing(s, s.RootDisk, "server")));
        found.AddRange(roles.Volumes.Select(v => Missing(v, v.RbdImage, "volume")));
        found.AddRange(roles.Snapshots.Select(s => Missing(s, s.RbdSnapshot, "volume snapshot")));
        found.AddRange(roles.Backups.Where(b => b.BackupCluster == context.Cluster.Locator)
            .Select(b => Missing(b, b.Method == "Diff" ? $"{b.BaseImage}@{b.SnapshotName}" : b.BaseImage, "backup")));
        return found.OfType<LeakFinding>();
    }

    private static string? GlanceSnapSpec(OpenStackContext context, GlanceImage image)
    {
        if (image.Location is null) return null;
        try
        {
            var location = GlanceLocation.Parse(image.Location, context.Settings.GlancePool);
            if (!location.IsOn(context.Cluster)) return null;
            return location.Snapshot is null ? $"{location.Pool}/{location.Image}" : $"{location.Pool}/{location.Image}@{location.Snapshot}";
        }
        catch (RbdException) { return null; }
    }
}
