using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>What Repair-RbdStore freed in one store.</summary>
public sealed class RbdStoreRepair
{
    internal RbdStoreRepair(string store, StoreLeftovers freed)
    {
        Store = store;
        FilesDeleted = freed.Files;
        BytesFreed = freed.Bytes;
    }

    /// <summary>The store directory.</summary>
    public string Store { get; }
    /// <summary>Leftover data files deleted.</summary>
    public int FilesDeleted { get; }
    /// <summary>The data those files held (holes not counted).</summary>
    public ulong BytesFreed { get; }

    public override string ToString() => $"{Store}: {FilesDeleted} files, {SizeParser.Format(BytesFreed)} freed";
}
