using System.Text;
using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>Image metadata, feature updates and watchers of a librbd image, with the seam's rules checked before each call.</summary>
internal sealed unsafe partial class CephImage
{
    private const int ENoEnt = -2, ERange = -34, EInval = -22;

    public IReadOnlyList<KeyValuePair<string, string>> ListMetadata()
    {
        for (nuint keysSize = 1024, valuesSize = 1024; ;)
        {
            var keys = new byte[keysSize];
            var values = new byte[valuesSize];
            nuint keysLength = keysSize, valuesLength = valuesSize;
            int rc;
            fixed (byte* k = keys)
            fixed (byte* v = values)
                rc = Rbd.rbd_metadata_list(_handle, "", 0, k, ref keysLength, v, ref valuesLength);
            if (rc == ERange)
            {
                keysSize = Math.Max(keysSize * 2, keysLength);
                valuesSize = Math.Max(valuesSize * 2, valuesLength);
                continue;
            }
            Check(rc, "Listing the metadata of");
            var names = NativeStrings.SplitNames(keys[..(int)keysLength]);
            var texts = Split(values, (int)valuesLength, names.Count);
            return names.Zip(texts, KeyValuePair.Create).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The first <paramref name="count"/> NUL-terminated strings of a buffer (values may be empty, unlike names).</summary>
    private static List<string> Split(byte[] buffer, int length, int count)
    {
        var result = new List<string>(count);
        for (int start = 0; result.Count < count && start < length;)
        {
            int end = Array.IndexOf(buffer, (byte)0, start, length - start);
            if (end < 0) end = length;
            result.Add(Encoding.UTF8.GetString(buffer, start, end - start));
            start = end + 1;
        }
        return result;
    }

    public string GetMetadata(string key)
    {
        for (nuint size = 256; ;)
        {
            var buffer = new byte[size];
            nuint length = size;
            int rc;
            fixed (byte* p = buffer) rc = Rbd.rbd_metadata_get(_handle, key, p, ref length);
            if (rc == ERange) { size = Math.Max(size * 2, length); continue; }
            if (rc == ENoEnt) throw Refusals.ImageMetaNotFound(ImageSpec, key);
            Check(rc, "Reading the metadata of");
            return NativeStrings.FromBuffer(buffer);
        }
    }

    public void SetMetadata(string key, string value)
    {
        RequireHead();
        ImageMetaRules.Check(ImageSpec, key, value);
        int rc = Rbd.rbd_metadata_set(_handle, key, value);
        if (rc == EInval) throw Refusals.InvalidImageMetaValue(ImageSpec, key, value);
        Check(rc, "Setting the metadata of");
    }

    public void RemoveMetadata(string key)
    {
        RequireHead();
        int rc = Rbd.rbd_metadata_remove(_handle, key);
        if (rc == ENoEnt) throw Refusals.ImageMetaNotFound(ImageSpec, key);
        Check(rc, "Removing the metadata of");
    }

    public RbdFeatures UpdateFeatures(RbdFeatures features, bool enable)
    {
        RequireHead();
        Check(Rbd.rbd_get_features(_handle, out ulong current), "Reading the features of");
        FeatureRules.Apply(ImageSpec, (RbdFeatures)current, features, enable);
        Check(Rbd.rbd_update_features(_handle, (ulong)features, enable ? (byte)1 : (byte)0), enable ? "Enabling features of" : "Disabling features of");
        Check(Rbd.rbd_get_features(_handle, out ulong after), "Reading the features of");
        return (RbdFeatures)after;
    }

    /// <summary>
    /// librbd lists this handle's own watch too (a head handle is opened read-write and watches; rbd status opens read-only
    /// and does not), and no call tells which of this client's watches it is: one watch of this client is left out.
    /// </summary>
    public IReadOnlyList<ImageWatcher> ListWatchers()
    {
        var watchers = NativeLists.Read<ImageWatcherNative, ImageWatcher>((ImageWatcherNative* p, ref nuint n) => Rbd.rbd_watchers_list(_handle, p, ref n),
            w => new ImageWatcher(NativeStrings.Read(w.Address), w.Id, w.Cookie),
            Rbd.rbd_watchers_list_cleanup, "Listing the watchers of", Spec);
        if (Snapshot is not null) return watchers;
        long self = (long)Rados.rados_get_instance_id(Rados.rados_ioctx_get_cluster(_cluster.IoCtx(Pool)));
        int own = watchers.FindLastIndex(w => w.Client == self);
        if (own >= 0) watchers.RemoveAt(own);
        return watchers;
    }
}
