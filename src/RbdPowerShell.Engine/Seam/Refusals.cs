namespace RbdPowerShell.Engine;

/// <summary>
/// Every refusal of SPEC section 2, built in one place so both backends give the same errno, ErrorId and message.
/// </summary>
public static partial class Refusals
{
    private static RbdException Make(RbdErrno errno, string errorId, string target, string message) =>
        new(errno, target, message) { ErrorId = errorId };

    private static string List(IEnumerable<string> names) => string.Join(", ", names);

    public static RbdException PoolNotFound(string pool) => Make(RbdErrno.ENOENT, "PoolNotFound", pool,
        $"Pool '{pool}' does not exist. Create it with New-RbdPool {pool}.");

    public static RbdException ImageNotFound(string pool, string image) => Make(RbdErrno.ENOENT, "ImageNotFound", $"{pool}/{image}",
        $"Image '{pool}/{image}' does not exist. List the pool's images with Get-RbdImage {pool}.");

    public static RbdException SnapshotNotFound(string imageSpec, string snapshot) => Make(RbdErrno.ENOENT, "SnapshotNotFound",
        $"{imageSpec}@{snapshot}",
        $"Snapshot '{imageSpec}@{snapshot}' does not exist. List its snapshots with Get-RbdSnapshot {imageSpec}.");

    public static RbdException PoolExists(string pool) => Make(RbdErrno.EEXIST, "PoolExists", pool, $"Pool '{pool}' already exists.");

    public static RbdException ImageExists(string pool, string image) => Make(RbdErrno.EEXIST, "ImageExists", $"{pool}/{image}",
        $"Image '{pool}/{image}' already exists. Choose another name or remove it first.");

    public static RbdException SnapshotExists(string snapSpec) => Make(RbdErrno.EEXIST, "SnapshotExists", snapSpec,
        $"Snapshot '{snapSpec}' already exists.");

    public static RbdException PoolInUse(string pool, IEnumerable<string> clones, string parentSnap) => Make(RbdErrno.EBUSY, "PoolInUse", pool,
        $"Pool '{pool}' cannot be removed: {List(clones)} in other pools are clones of {parentSnap}. Flatten or remove them first.");

    public static RbdException ImageHasSnapshots(string imageSpec, IEnumerable<string> snapshots) => Make(RbdErrno.ENOTEMPTY,
        "ImageHasSnapshots", imageSpec,
        $"Image '{imageSpec}' has snapshots ({List(snapshots)}) - these must be deleted " +
        "with 'rbd snap purge' before the image can be removed. Unprotect and remove them with Remove-RbdSnapshot first.");

    public static RbdException LayeringDisabledForClone(string parentImageSpec, string snapSpec) => Make(RbdErrno.EINVAL, "LayeringDisabled",
        snapSpec, $"Image '{parentImageSpec}' does not have the layering feature, so it cannot be cloned.");

    public static RbdException LayeringDisabledForProtect(string imageSpec, string snapSpec) => Make(RbdErrno.ENOTSUP, "LayeringDisabled",
        snapSpec, $"Image '{imageSpec}' does not have the layering feature; its snapshots cannot be protected.");

    public static RbdException CloneOfUnprotected(string snapSpec) => Make(RbdErrno.EINVAL, "SnapshotNotProtected", snapSpec,
        $"Snapshot '{snapSpec}' is not protected; a snapshot must be protected before it can be cloned. Run Protect-RbdSnapshot {snapSpec} first.");

    public static RbdException SnapshotProtected(string snapSpec) => Make(RbdErrno.EBUSY, "SnapshotProtected", snapSpec,
        $"Snapshot '{snapSpec}' is protected and cannot be removed. Run Unprotect-RbdSnapshot {snapSpec} first.");

    public static RbdException SnapshotAlreadyProtected(string snapSpec) => Make(RbdErrno.EBUSY, "SnapshotAlreadyProtected", snapSpec,
        $"Snapshot '{snapSpec}' is already protected.");

    public static RbdException SnapshotAlreadyUnprotected(string snapSpec) => Make(RbdErrno.EINVAL, "SnapshotNotProtected", snapSpec,
        $"Snapshot '{snapSpec}' is already unprotected.");

    /// <param name="verb">"removed" or "unprotected".</param>
    public static RbdException SnapshotHasChildren(string snapSpec, IEnumerable<string> children, string verb) => Make(RbdErrno.EBUSY,
        "SnapshotHasChildren", snapSpec,
        $"Snapshot '{snapSpec}' has children ({List(children)}) and cannot be {verb}. " +
        "Flatten (Invoke-RbdFlatten) or remove the children first.");

    public static RbdException ImageHasNoParent(string imageSpec) => Make(RbdErrno.EINVAL, "ImageHasNoParent", imageSpec,
        $"Image '{imageSpec}' has no parent; there is nothing to flatten.");

    public static RbdException SnapshotReadOnly(string snapSpec) => Make(RbdErrno.EROFS, "SnapshotReadOnly", snapSpec,
        $"'{snapSpec}' is a snapshot and cannot be changed. Open the image itself, or Restore-RbdSnapshot to roll back.");

    // ---- day-2: image metadata and features (rbd image-meta, rbd feature) ----

    public static RbdException ImageMetaNotFound(string imageSpec, string key) => Make(RbdErrno.ENOENT, "ImageMetaNotFound", imageSpec,
        $"Image '{imageSpec}' has no metadata key '{key}'. List its keys with Get-RbdImageMeta {imageSpec}.");

    public static RbdException ImageMetaKeyMissing(string imageSpec) => Make(RbdErrno.EINVAL, "ImageMetaKeyMissing", imageSpec,
        "A metadata key cannot be empty.");

    public static RbdException ImageMetaOverrideNotAllowed(string imageSpec, string key) => Make(RbdErrno.EINVAL,
        "ImageMetaOverrideNotAllowed", imageSpec,
        $"'{key}' is not an image-level override: a conf_ key must name an rbd option that 'rbd config image list {imageSpec}' shows.");

    public static RbdException InvalidImageMetaValue(string imageSpec, string key, string value) => Make(RbdErrno.EINVAL,
        "InvalidImageMetaValue", imageSpec, $"'{value}' is not a valid value for {key} on '{imageSpec}'.");

    public static RbdException InvalidFeatureName(string name) => Make(RbdErrno.EINVAL, "InvalidFeatureName", name,
        $"'{name}' is not an rbd feature. Use {string.Join(", ", FeatureNames.All)}.");

    public static RbdException FeatureRequired(string imageSpec) => Make(RbdErrno.EINVAL, "FeatureRequired", imageSpec,
        "Name at least one feature to change.");

    public static RbdException FeatureImmutable(string imageSpec, RbdFeatures features, bool enable) => Make(RbdErrno.EINVAL,
        "FeatureImmutable", imageSpec,
        $"{FeatureNames.Text(features)} cannot be {(enable ? "enabled" : "disabled")} on the existing image '{imageSpec}': " +
        $"only {FeatureNames.Text(enable ? FeatureRules.Mutable : FeatureRules.Mutable | FeatureRules.DisableOnly)} can. " +
        "Copy-RbdImage into an image created with the features wanted instead.");

    public static RbdException FeatureAlreadySet(string imageSpec, RbdFeatures features, bool enable) => Make(RbdErrno.EINVAL,
        enable ? "FeatureAlreadyEnabled" : "FeatureAlreadyDisabled", imageSpec,
        $"Image '{imageSpec}' already has {FeatureNames.Text(features)} {(enable ? "enabled" : "disabled")}.");

    public static RbdException FeatureNeedsExclusiveLock(string imageSpec, RbdFeatures features) => Make(RbdErrno.EINVAL,
        "FeatureNeedsExclusiveLock", imageSpec,
        $"{FeatureNames.Text(features)} cannot be enabled on '{imageSpec}' without exclusive-lock: enable exclusive-lock first (or with it).");

    public static RbdException ExclusiveLockInUse(string imageSpec, RbdFeatures dependents) => Make(RbdErrno.EINVAL,
        "ExclusiveLockInUse", imageSpec,
        $"exclusive-lock cannot be disabled on '{imageSpec}' while {FeatureNames.Text(dependents)} is enabled: disable {FeatureNames.Text(dependents)} first (or with it).");

    public static RbdException OutOfRange(string spec, ulong offset, ulong length, ulong size) => Make(RbdErrno.EINVAL, "OutOfRange", spec,
        $"The range {offset}+{length} lies past the end of '{spec}' ({size} bytes). Resize-RbdImage it first.");

    public static RbdException SizeTooLarge(string target, ulong size, ulong limit, string what) => Make(RbdErrno.EINVAL, "InvalidSize", target,
        $"'{target}' cannot be {size} bytes ({SizeParser.Format(size)}): {what} is {limit} bytes ({SizeParser.Format(limit)}).");

    public static RbdException InvalidObjectSize(string target, int order) => Make(RbdErrno.EINVAL, "InvalidObjectSize", target,
        $"Object size 2^{order} is not supported: use 4 KiB to 32 MiB (order 12 to 25).");

    public static RbdException InvalidSnapshotOrder(string spec, string fromSnapshot) => Make(RbdErrno.EINVAL, "InvalidSnapshotOrder", spec,
        $"The start snapshot '{fromSnapshot}' is newer than '{spec}'.");

    public static RbdException ImageRemovedWhileOpen(string target) => Make(RbdErrno.ENOENT, "ImageNotFound", target,
        "The image was removed while it was open.");
}
