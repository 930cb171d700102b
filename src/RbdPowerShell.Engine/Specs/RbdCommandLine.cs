using System.Globalization;

namespace RbdPowerShell.Engine;

/// <summary>Renders the rbd command line equivalent to a cmdlet call (for -Verbose and -WhatIf).</summary>
public static class RbdCommandLine
{
    /// <summary>A size as rbd's --size takes it: 1024M when whole MiB, else 4K, else bytes with B.</summary>
    public static string Size(ulong bytes) =>
        bytes % (1024 * 1024) == 0 ? (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "M"
        : bytes % 1024 == 0 ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "K"
        : bytes.ToString(CultureInfo.InvariantCulture) + "B";

    /// <summary>Quotes an argument for a POSIX shell when it needs it.</summary>
    public static string Arg(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/@._-+:=,".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''") + "'";

    public static string Rbd(params string[] args) => "rbd " + string.Join(' ', args.Where(a => a.Length > 0));
}
