using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>rbd status: who watches an image (has it open) - or, where the backend cannot tell, a note that says so.</summary>
public sealed class RbdImageStatus
{
    internal RbdImageStatus(string pool, string image, IReadOnlyList<ImageWatcher>? watchers, RbdCluster cluster)
    {
        Pool = pool;
        Name = image;
        WatchersKnown = watchers is not null;
        Watchers = (watchers ?? Array.Empty<ImageWatcher>()).Select(w => new RbdWatcher(w)).ToArray();
        Note = WatchersKnown ? null
            : "The embedded store keeps no watches: an image is open only for the length of one call, so which processes " +
              "use it cannot be shown. Watchers is empty because it is unknown, not because nobody uses the image.";
        Cluster = cluster;
    }

    public string Pool { get; }
    public string Name { get; }
    public string Spec => $"{Pool}/{Name}";
    /// <summary>The clients that have the image open (rbd status' watcher= lines); empty when none, or when unknown.</summary>
    public RbdWatcher[] Watchers { get; }
    /// <summary>False where the backend cannot see watchers (the embedded store); <see cref="Note"/> says why.</summary>
    public bool WatchersKnown { get; }
    public string? Note { get; }
    public RbdCluster Cluster { get; }

    public override string ToString() => Spec;
}

/// <summary>One watcher: rbd status prints it as <c>watcher=Address client.Client cookie=Cookie</c>.</summary>
public sealed class RbdWatcher
{
    internal RbdWatcher(ImageWatcher watcher)
    {
        Address = watcher.Address;
        Client = watcher.Client;
        Cookie = watcher.Cookie;
    }

    public string Address { get; }
    public long Client { get; }
    public ulong Cookie { get; }

    public override string ToString() => $"watcher={Address} client.{Client} cookie={Cookie}";
}
