using System.Globalization;

namespace RbdPowerShell.Engine;

/// <summary>
/// Sizes as PowerShell and rbd write them: a number of bytes (PowerShell's <c>1GB</c>), or a string
/// with an rbd unit suffix (<c>1024M</c>, <c>10G</c>, <c>4K</c>, <c>2TiB</c>; units are powers of 1024).
/// </summary>
public static class SizeParser
{
    private const double TwoTo64 = 18446744073709551616.0;
    private static readonly string[] Units = { "B", "K", "M", "G", "T", "P", "E" };

    public static ulong Parse(object? value, string what = "size")
    {
        switch (value)
        {
            case null: throw Invalid("", what, "no value");
            case ulong u: return u;
            case long l when l >= 0: return (ulong)l;
            case int i when i >= 0: return (ulong)i;
            case uint ui: return ui;
            // (double)ulong.MaxValue is 2^64: a double must be below it, or the cast would clamp it silently
            case double d when d >= 0 && d < TwoTo64 && d == Math.Floor(d): return (ulong)d;
            case decimal m when m >= 0 && m <= ulong.MaxValue && m == decimal.Floor(m): return (ulong)m;
            case double or decimal when Convert.ToDouble(value, CultureInfo.InvariantCulture) >= TwoTo64:
                throw Invalid(Convert.ToString(value, CultureInfo.InvariantCulture)!, what, "the size is too large");
            case string s: return ParseText(s, what);
            case long or int or double or decimal:
                throw Invalid(Convert.ToString(value, CultureInfo.InvariantCulture)!, what, "a size cannot be negative or fractional");
            default: return ParseText(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", what);
        }
    }

    public static ulong ParseText(string text, string what = "size")
    {
        var s = text.Trim();
        if (s.Length == 0) throw Invalid(text, what, "it is empty");
        if (s.StartsWith('-')) throw Invalid(text, what, "a size cannot be negative");
        int end = 0;
        while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
        if (end == 0) throw Invalid(text, what, "it does not start with a number");
        if (!ulong.TryParse(s.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw Invalid(text, what, "the number is too large");
        var suffix = s[end..].Trim().ToUpperInvariant();
        if (suffix.EndsWith("IB")) suffix = suffix[..^2];
        else if (suffix.Length == 2 && suffix[1] == 'B') suffix = suffix[..1];
        int power = suffix.Length == 0 ? 0 : Array.IndexOf(Units, suffix);
        if (power < 0) throw Invalid(text, what, $"unknown unit '{s[end..].Trim()}' (use B, K, M, G, T, P or E)");
        ulong result = number;
        for (int i = 0; i < power; i++)
        {
            if (result > ulong.MaxValue / 1024) throw Invalid(text, what, "the size is too large");
            result *= 1024;
        }
        return result;
    }

    /// <summary>Formats bytes the way `rbd ls -l` and `rbd du` print them (1 GiB, 12 MiB, 4 KiB).</summary>
    public static string Format(ulong bytes)
    {
        string[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        if (u == 0) return $"{bytes} B";
        return (v == Math.Floor(v) ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.#", CultureInfo.InvariantCulture)) + " " + units[u];
    }

    private static RbdException Invalid(string text, string what, string why) =>
        new(RbdErrno.EINVAL, text, $"'{text}' is not a valid {what}: {why}. Use a number of bytes or a string like 1024M or 10G.")
        { ErrorId = "InvalidSize" };
}
