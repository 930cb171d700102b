namespace RbdPowerShell.Engine;

/// <summary>One watcher of an image (rbd status): the client's address, its global id (client.N) and its watch cookie.</summary>
public sealed record ImageWatcher(string Address, long Client, ulong Cookie);
