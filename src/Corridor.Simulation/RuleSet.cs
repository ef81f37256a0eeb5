using System.Globalization;

namespace Corridor.Simulation;

/// <summary>How the simulated system settles.</summary>
public enum RuleKind
{
    /// <summary>Pure RTGS: a payment settles gross on arrival or within its arrival batch, else it is rejected (no waiting queue).</summary>
    Rtgs,
    /// <summary>RTGS with queues: an uncovered payment waits in its payer's queue (FIFO per priority, T2 by-pass for normal), no offsetting, no LSM.</summary>
    Queue,
    /// <summary>RTGS with queues plus the liquidity-saving mechanism: offsetting on entry and a multilateral LSM run after every batch.</summary>
    Lsm,
    /// <summary>Deferred net settlement: every payment goes into the netting window of its currency; windows close every <see cref="RuleSet.WindowMs"/>.</summary>
    Dns,
    /// <summary>Urgent and high payments settle RTGS + LSM; normal payments in DNS windows.</summary>
    Hybrid,
}

/// <summary>A named rule set: <c>rtgs</c>, <c>queue</c>, <c>lsm</c>, <c>dns:30m</c>, <c>hybrid:30m</c> (window defaults to 30m).</summary>
public readonly record struct RuleSet(RuleKind Kind, int WindowMs)
{
    public const int DefaultWindowMs = 30 * 60_000;
    public const int MinWindowMs = 60_000;
    public const int MaxWindowMs = 24 * 3_600_000;

    public string Name => Kind switch
    {
        RuleKind.Rtgs => "rtgs",
        RuleKind.Queue => "queue",
        RuleKind.Lsm => "lsm",
        RuleKind.Dns => "dns:" + FormatWindow(WindowMs),
        _ => "hybrid:" + FormatWindow(WindowMs),
    };

    public bool UsesWindows => Kind is RuleKind.Dns or RuleKind.Hybrid;

    public override string ToString() => Name;

    private static string FormatWindow(int ms) => ms % 3_600_000 == 0 ? $"{ms / 3_600_000}h" : $"{ms / 60_000}m";

    /// <summary>Parses one rule name; the error names what is accepted.</summary>
    public static bool TryParse(string text, out RuleSet rule, out string? error)
    {
        rule = default;
        error = null;
        string t = text.Trim().ToLowerInvariant();
        string head = t, arg = "";
        int colon = t.IndexOf(':');
        if (colon >= 0) { head = t[..colon]; arg = t[(colon + 1)..]; }
        switch (head)
        {
            case "rtgs" or "queue" or "lsm" when colon < 0:
                rule = new RuleSet(head == "rtgs" ? RuleKind.Rtgs : head == "queue" ? RuleKind.Queue : RuleKind.Lsm, 0);
                return true;
            case "dns" or "hybrid":
                int window = DefaultWindowMs;
                if (colon >= 0 && !TryParseDuration(arg, out window))
                {
                    error = $"rule '{text}': window '{arg}' must be minutes or hours like 30m, 2h ({MinWindowMs / 60_000}m..24h)";
                    return false;
                }
                rule = new RuleSet(head == "dns" ? RuleKind.Dns : RuleKind.Hybrid, window);
                return true;
            default:
                error = $"unknown rule '{text}': expected rtgs, queue, lsm, dns:<minutes>m or hybrid:<minutes>m";
                return false;
        }
    }

    public static bool TryParseList(string text, out List<RuleSet> rules, out string? error)
    {
        rules = [];
        error = null;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParse(part, out RuleSet r, out error)) return false;
            if (rules.Contains(r)) { error = $"rule '{part}' given twice"; return false; }
            rules.Add(r);
        }
        if (rules.Count == 0) { error = "no rule given"; return false; }
        return true;
    }

    private static bool TryParseDuration(string s, out int ms)
    {
        ms = 0;
        if (s.Length < 2) return false;
        int unit = s[^1] switch { 'm' => 60_000, 'h' => 3_600_000, _ => 0 };
        if (unit == 0 || !int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return false;
        long value = (long)n * unit;
        if (value < MinWindowMs || value > MaxWindowMs) return false;
        ms = (int)value;
        return true;
    }

    public static readonly RuleSet[] Default =
        [new(RuleKind.Rtgs, 0), new(RuleKind.Queue, 0), new(RuleKind.Lsm, 0), new(RuleKind.Dns, DefaultWindowMs), new(RuleKind.Hybrid, DefaultWindowMs)];
}
