namespace RbdPowerShell.Engine;

/// <summary>One inconsistency found by a store check (rbd has no fsck; the embedded store does).</summary>
public sealed record StoreFinding(string Target, string Problem);

/// <summary>
/// Data files that nothing will ever read: those of a write that was killed before it committed (leftovers) and
/// those of removed data still waiting until no reader may need them (freed). Not a fault; a repair deletes them.
/// </summary>
public sealed record StoreLeftovers(int Files, ulong Bytes)
{
    public static readonly StoreLeftovers None = new(0, 0);
}

/// <summary>What a store check looked at (one line per check, for -Verbose), what it found, and what it left alone.</summary>
public sealed record StoreCheckReport(IReadOnlyList<StoreFinding> Findings, IReadOnlyList<string> Checked, StoreLeftovers Leftovers);

/// <summary>A backend that can check its own consistency (the embedded store).</summary>
public interface IRbdStoreCheck
{
    /// <summary>Checks the store; changes nothing, not even the leftovers it reports.</summary>
    StoreCheckReport Check();

    /// <summary>Deletes the leftover data files a check reports; returns what it deleted.</summary>
    StoreLeftovers Repair();
}
