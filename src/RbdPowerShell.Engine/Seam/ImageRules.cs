namespace RbdPowerShell.Engine;

/// <summary>The limits both backends apply before calling their store, where librbd answers differently (EDOM, clipping).</summary>
public static class ImageRules
{
    public const int MinOrder = 12, MaxOrder = 25;

    public static int CheckOrder(int order, string target) =>
        order is >= MinOrder and <= MaxOrder ? order : throw Refusals.InvalidObjectSize(target, order);
}
