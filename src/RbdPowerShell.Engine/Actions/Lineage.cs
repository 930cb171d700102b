using RbdPowerShell.Engine.OpenStack;

namespace RbdPowerShell.Engine;

/// <summary>
/// One node of a lineage tree: an image (Snapshot null) or one of its snapshots, at <see cref="Depth"/> under the
/// node <see cref="ParentSpec"/> names (an image's snapshot hangs under the image, a clone under the snapshot it was
/// cloned from). Size is the provisioned size, Used what rbd du counts for it, OpenStack* what it is to OpenStack.
/// </summary>
public sealed record LineageNode
{
    public required string Pool { get; init; }
    public required string Image { get; init; }
    public string? Snapshot { get; init; }
    public int Depth { get; init; }
    public string? ParentSpec { get; init; }
    public ulong Size { get; init; }
    public ulong Used { get; init; }
    /// <summary>Whether a snapshot is protected (null for an image).</summary>
    public bool? Protected { get; init; }
    /// <summary>Clones of a snapshot, or snapshots of an image.</summary>
    public int ChildCount { get; init; }
    public bool InTrash { get; init; }
    public OpenStackKind OpenStackKind { get; init; }
    public string? OpenStackId { get; init; }
    public string? OpenStackName { get; init; }
    /// <summary>Whether a Glance, Nova or Cinder record says what this is (otherwise only its name does).</summary>
    public bool FromRecord { get; init; }
    public string Description { get; init; } = "";

    public bool IsSnapshot => Snapshot is not null;
    public string Spec => Snapshot is null ? $"{Pool}/{Image}" : $"{Pool}/{Image}@{Snapshot}";
    /// <summary>The node indented by its depth, as the console tree shows it: its OpenStack name (if any), then its name.</summary>
    public string Tree => new string(' ', Depth * 2) + (Depth == 0 || IsSnapshot ? "" : "└ ") +
                          (OpenStackName is { Length: > 0 } name ? $"'{name}' " : "") +
                          (Depth == 0 ? Spec : IsSnapshot ? "@" + Snapshot : $"{Pool}/{Image}");
    public override string ToString() => Spec;
}

/// <summary>
/// rbd children --descendants, as a tree across pools: images -> snapshots -> clones, recursively, each node with
/// its size, rbd du's used space, protection and OpenStack role.
/// </summary>
public static class Lineage
{
    /// <summary>
    /// The tree under <paramref name="target"/> (an image, a snapshot, a pool: its images that are not clones of
    /// another image of that pool; null: every image that is not a clone), in pre-order (a node, then what hangs
    /// under it). <paramref name="withUsage"/> false skips rbd du (Used stays 0).
    /// </summary>
    public static IReadOnlyList<LineageNode> Build(IRbdCluster cluster, OpenStackRoles roles, ImageSpec? target, bool withUsage = true)
    {
        var walk = new Walk(cluster, roles, withUsage);
        if (target?.Image is { } image)
        {
            if (target.Snapshot is { } snap) walk.Snapshot(target.Pool, image, snap, 0, null);
            else walk.Image(target.Pool, image, 0, null);
            return walk.Nodes;
        }
        foreach (var pool in target is null ? cluster.ListPools() : new[] { target.Pool })
        {
            foreach (var name in cluster.ListImages(pool))
            {
                var parent = OpenStackContext.Stat(cluster, pool, name).Parent;
                if (parent is null || (target is not null && parent.Pool != pool)) walk.Image(pool, name, 0, null);
            }
            foreach (var trashed in cluster.ListTrash(pool))
            {
                using var handle = cluster.OpenImageInTrash(pool, trashed.Id);
                if (handle.Stat().Parent is null) walk.Image(pool, trashed.Name, 0, null, trashed.Id);
            }
        }
        return walk.Nodes;
    }

    private sealed class Walk(IRbdCluster cluster, OpenStackRoles roles, bool withUsage)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        public List<LineageNode> Nodes { get; } = new();

        /// <summary>An image, or with <paramref name="trashId"/> one in the trash (opened by id; rbd du cannot name it).</summary>
        public void Image(string pool, string image, int depth, string? parentSpec, string? trashId = null)
        {
            if (!_seen.Add($"{pool}/{trashId ?? image}")) return;
            using var handle = Open(pool, image, trashId, null);
            var info = handle.Stat();
            var snaps = handle.ListSnapshots();
            var usage = withUsage && trashId is null ? DiskUsage.Run(cluster, pool, image) : Array.Empty<ImageUsage>();
            var role = roles.OfImage(pool, image);
            Nodes.Add(Node(pool, image, null, depth, parentSpec, info.Size, UsedOf(usage, null), null, snaps.Count, role) with { InTrash = trashId is not null });
            foreach (var snap in snaps)
                Snapshot(pool, image, trashId, snap, depth + 1, role, UsedOf(usage, snap.Name));
        }

        public void Snapshot(string pool, string image, string snapshot, int depth, string? parentSpec)
        {
            using var handle = cluster.OpenImage(pool, image);
            var snap = handle.ListSnapshots().FirstOrDefault(s => s.Name == snapshot)
                       ?? throw RbdException.NotFound("Snapshot", $"{pool}/{image}@{snapshot}");
            ulong used = withUsage ? UsedOf(DiskUsage.Run(cluster, pool, image), snapshot) : 0;
            Snapshot(pool, image, null, snap, depth, roles.OfImage(pool, image), used);
        }

        private void Snapshot(string pool, string image, string? trashId, SnapshotInfo snap, int depth, OpenStackRole imageRole, ulong used)
        {
            IReadOnlyList<ChildSpec> clones;
            using (var view = Open(pool, image, trashId, snap.Name))
                clones = view.ListAllChildren();
            var role = roles.OfSnapshot(pool, image, snap.Name, imageRole);
            var node = Node(pool, image, snap.Name, depth, depth == 0 ? null : $"{pool}/{image}", snap.Size, used, snap.Protected, clones.Count, role)
                with { InTrash = trashId is not null };
            Nodes.Add(node);
            foreach (var clone in clones) Image(clone.Pool, clone.Image, depth + 1, node.Spec, clone.TrashId);
        }

        private IRbdImage Open(string pool, string image, string? trashId, string? snapshot) =>
            trashId is null ? cluster.OpenImage(pool, image, snapshot) : cluster.OpenImageInTrash(pool, trashId, snapshot);

        private static ulong UsedOf(IReadOnlyList<ImageUsage> usage, string? snapshot) =>
            usage.FirstOrDefault(u => u.Snapshot == snapshot)?.Used ?? 0;

        private static LineageNode Node(string pool, string image, string? snapshot, int depth, string? parentSpec, ulong size,
                                        ulong used, bool? isProtected, int children, OpenStackRole role) => new()
        {
            Pool = pool, Image = image, Snapshot = snapshot, Depth = depth, ParentSpec = parentSpec, Size = size, Used = used,
            Protected = isProtected, ChildCount = children, OpenStackKind = role.Kind, OpenStackId = role.Id,
            OpenStackName = role.Name, FromRecord = role.FromRecord, Description = role.Description,
        };
    }
}
