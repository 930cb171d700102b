namespace RbdPowerShell.Engine;

/// <summary>One inconsistency found by a store check (rbd has no fsck; the embedded store does).</summary>
public sealed record StoreFinding(string Target, string Problem);

/// <summary>A backend that can check its own consistency (the embedded store).</summary>
public interface IRbdStoreCheck
{
    IReadOnlyList<StoreFinding> Check();
}
