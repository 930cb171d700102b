namespace RbdPowerShell.Engine;

/// <summary>The refusals of rbd trash (librbd's api/Trash.cc), the same on both backends.</summary>
public static partial class Refusals
{
    public static RbdException TrashEntryNotFound(string pool, string id) => Make(RbdErrno.ENOENT, "TrashEntryNotFound", $"{pool}/{id}",
        $"Image '{id}' does not exist in the trash of pool '{pool}'. List the trash with Get-RbdTrash.");

    public static RbdException TrashDefermentNotExpired(string pool, TrashEntry entry) => Make(RbdErrno.EPERM,
        "TrashDefermentNotExpired", $"{pool}/{entry.Id}",
        $"Deferment time of '{entry.Name}' ({pool}/{entry.Id}) has not expired: it is protected until " +
        $"{entry.DefermentEnd:u}. Use -Force if you really want to remove the image.");

    public static RbdException TrashRestoreNameTaken(string pool, TrashEntry entry, string name) => Make(RbdErrno.EEXIST,
        "ImageExists", $"{pool}/{name}",
        $"An image with the same name '{pool}/{name}' already exists: restore '{entry.Name}' ({entry.Id}) " +
        "under a different name with -NewName.");

    public static RbdException TrashImageHasSnapshots(string pool, TrashEntry entry, IEnumerable<string> snapshots) => Make(RbdErrno.ENOTEMPTY,
        "ImageHasSnapshots", $"{pool}/{entry.Id}",
        $"Image '{entry.Name}' ({pool}/{entry.Id}) in the trash has snapshots ({List(snapshots)}) - restore it " +
        "(Restore-RbdTrash), remove its snapshots with Remove-RbdSnapshot, then remove it.");
}
