namespace RbdPowerShell.Engine.Embedded;

/// <summary>Image metadata (the image_meta table), feature updates and watchers of an embedded image.</summary>
internal sealed partial class EmbeddedImage
{
    public IReadOnlyList<KeyValuePair<string, string>> ListMetadata() => _cluster.Read(() =>
    {
        CurrentView();
        return Index.Query("SELECT key, value FROM image_meta WHERE image_id=$i ORDER BY key",
            r => KeyValuePair.Create(r.GetString(0), r.GetString(1)), ("$i", _imageId)).ToList();
    });

    public string GetMetadata(string key) => _cluster.Read(() =>
    {
        var view = CurrentView();
        return (string?)Index.Scalar("SELECT value FROM image_meta WHERE image_id=$i AND key=$k", ("$i", _imageId), ("$k", key))
               ?? throw Refusals.ImageMetaNotFound(ImageSpecOf(view), key);
    });

    public void SetMetadata(string key, string value) => _cluster.Write(() =>
    {
        var head = Head();
        ImageMetaRules.Check(head.Spec, key, value);
        Index.Execute("INSERT INTO image_meta(image_id, key, value) VALUES($i, $k, $v) ON CONFLICT(image_id, key) DO UPDATE SET value=$v",
            ("$i", _imageId), ("$k", key), ("$v", value));
    });

    public void RemoveMetadata(string key) => _cluster.Write(() =>
    {
        var head = Head();
        if (Index.Execute("DELETE FROM image_meta WHERE image_id=$i AND key=$k", ("$i", _imageId), ("$k", key)) == 0)
            throw Refusals.ImageMetaNotFound(head.Spec, key);
    });

    public RbdFeatures UpdateFeatures(RbdFeatures features, bool enable) => _cluster.Write(() =>
    {
        var head = Head();
        var after = FeatureRules.Apply(head.Spec, head.Image.Features, features, enable);
        Index.Execute("UPDATE images SET features=$f WHERE id=$i", ("$f", (long)after), ("$i", _imageId));
        return after;
    });

    /// <summary>
    /// None to tell: an embedded image is open only for the length of one call and leaves no watch in the store, so no
    /// other process's use of an image can be seen (see Get-RbdImageStatus).
    /// </summary>
    public IReadOnlyList<ImageWatcher>? ListWatchers()
    {
        _cluster.Read(CurrentView);
        return null;
    }

    private static string ImageSpecOf(View view) => $"{view.Image.Pool}/{view.Image.Name}";
}
