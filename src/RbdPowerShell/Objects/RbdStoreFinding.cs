using RbdPowerShell.Engine;

namespace RbdPowerShell;

/// <summary>One inconsistency that Test-RbdStore found.</summary>
public sealed class RbdStoreFinding
{
    internal RbdStoreFinding(StoreFinding finding)
    {
        Target = finding.Target;
        Problem = finding.Problem;
    }

    public string Target { get; }
    public string Problem { get; }

    public override string ToString() => $"{Target}: {Problem}";
}
