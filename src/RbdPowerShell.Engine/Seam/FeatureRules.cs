namespace RbdPowerShell.Engine;

/// <summary>
/// rbd feature enable/disable (librbd's Operations::update_features with Enable/DisableFeaturesRequest, Ceph 16.2),
/// checked in this order on both backends so they refuse alike. Returns the features the image has afterwards.
/// </summary>
public static class FeatureRules
{
    /// <summary>What may be switched on or off on an existing image (RBD_FEATURES_MUTABLE less the internal bits).</summary>
    public const RbdFeatures Mutable = RbdFeatures.ExclusiveLock | RbdFeatures.ObjectMap | RbdFeatures.FastDiff | RbdFeatures.Journaling;
    /// <summary>What may only be switched off (RBD_FEATURES_DISABLE_ONLY).</summary>
    public const RbdFeatures DisableOnly = RbdFeatures.DeepFlatten;
    private const RbdFeatures MapPair = RbdFeatures.ObjectMap | RbdFeatures.FastDiff;
    private const RbdFeatures NeedLock = RbdFeatures.ObjectMap | RbdFeatures.Journaling;

    public static RbdFeatures Apply(string spec, RbdFeatures current, RbdFeatures requested, bool enable)
    {
        var allowed = enable ? Mutable : Mutable | DisableOnly;
        if ((requested & ~allowed) != 0) throw Refusals.FeatureImmutable(spec, requested & ~allowed, enable);
        // object-map and fast-diff go together: asking for one brings the other when it is missing (enable) or present (disable).
        bool om = requested.HasFlag(RbdFeatures.ObjectMap), fd = requested.HasFlag(RbdFeatures.FastDiff);
        bool hasOm = current.HasFlag(RbdFeatures.ObjectMap), hasFd = current.HasFlag(RbdFeatures.FastDiff);
        if (enable ? (om && !hasFd) || (fd && !hasOm) : (om && hasFd) || (fd && hasOm)) requested |= MapPair;
        if (requested == RbdFeatures.None) throw Refusals.FeatureRequired(spec);
        if (enable && (requested & current) != 0) throw Refusals.FeatureAlreadySet(spec, requested & current, enable);
        if (!enable && (requested & ~current) != 0) throw Refusals.FeatureAlreadySet(spec, requested & ~current, enable);
        var after = enable ? current | requested : current & ~requested;
        if ((after & NeedLock) != 0 && (after & RbdFeatures.ExclusiveLock) == 0)
            throw enable ? Refusals.FeatureNeedsExclusiveLock(spec, requested & NeedLock)
                         : Refusals.ExclusiveLockInUse(spec, after & NeedLock);
        return after;
    }
}

/// <summary>rbd's names for feature bits, in bit order (rbd info, rbd feature enable).</summary>
public static class FeatureNames
{
    private static readonly (RbdFeatures Flag, string Name)[] Names =
    {
        (RbdFeatures.Layering, "layering"),
        (RbdFeatures.Striping, "striping"),
        (RbdFeatures.ExclusiveLock, "exclusive-lock"),
        (RbdFeatures.ObjectMap, "object-map"),
        (RbdFeatures.FastDiff, "fast-diff"),
        (RbdFeatures.DeepFlatten, "deep-flatten"),
        (RbdFeatures.Journaling, "journaling"),
        (RbdFeatures.DataPool, "data-pool"),
        (RbdFeatures.Operations, "operations"),
        (RbdFeatures.Migrating, "migrating"),
        (RbdFeatures.NonPrimary, "non-primary"),
    };

    public static IEnumerable<string> All => Names.Select(n => n.Name);

    public static string[] Of(RbdFeatures features) =>
        Names.Where(n => features.HasFlag(n.Flag)).Select(n => n.Name).ToArray();

    public static string Text(RbdFeatures features) => string.Join(", ", Of(features));

    /// <summary>The bits of rbd feature names (case-insensitive); InvalidFeatureName for any other word.</summary>
    public static RbdFeatures Parse(IEnumerable<string> names)
    {
        var result = RbdFeatures.None;
        foreach (var name in names)
        {
            var match = Names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null) throw Refusals.InvalidFeatureName(name);
            result |= match.Flag;
        }
        return result;
    }
}
