namespace Corridor.Core.Currencies;

/// <summary>A currency the engine can settle in, and the ledger (currency partition) that carries it.</summary>
public readonly record struct CurrencyInfo(string Code, ushort Numeric, int Exponent, uint Ledger, bool OperatorConfigured);

/// <summary>
/// Maps currency codes to ledgers and back. Every ISO 4217 code with a minor unit is usable without
/// configuration, on ledger = its ISO numeric code (USD → 840, KES → 404). The operator adds other
/// currencies with ConfigureCurrency: codes outside ISO 4217 (a local unit without a liquid market)
/// on an operator-chosen ledger ≥ <see cref="FirstOperatorLedger"/>, and ISO codes whose minor unit is
/// "N.A." (XAU…) with an exponent of the operator's choosing, on their ISO numeric ledger.
/// </summary>
public sealed class CurrencyRegistry
{
    /// <summary>Ledgers 1–999 are ISO 4217 numeric codes; operator currencies take ledgers from here up.</summary>
    public const uint FirstOperatorLedger = 1000;

    /// <summary>Upper bound on operator-configured currencies.</summary>
    public const int MaxConfiguredCurrencies = 4096;

    private readonly Dictionary<string, CurrencyInfo> _configured = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, string> _configuredByLedger = new();
    private readonly List<string> _order = new();

    public int ConfiguredCount => _order.Count;

    /// <summary>Configured currencies in the order they were configured (hash and snapshot order).</summary>
    public IEnumerable<CurrencyInfo> Configured()
    {
        foreach (string code in _order) yield return _configured[code];
    }

    public bool TryGet(string code, out CurrencyInfo info)
    {
        if (_configured.TryGetValue(code, out info)) return true;
        if (Iso4217.TryGet(code, out Iso4217Entry e) && e.HasMinorUnit)
        {
            info = new CurrencyInfo(e.Code, e.Numeric, e.Exponent, e.Numeric, false);
            return true;
        }
        info = default;
        return false;
    }

    public bool TryGetByLedger(uint ledger, out CurrencyInfo info)
    {
        if (_configuredByLedger.TryGetValue(ledger, out string? code)) return TryGet(code, out info);
        if (ledger < FirstOperatorLedger && Iso4217.TryGetByNumeric((ushort)ledger, out Iso4217Entry e) && e.HasMinorUnit)
        {
            info = new CurrencyInfo(e.Code, e.Numeric, e.Exponent, e.Numeric, false);
            return true;
        }
        info = default;
        return false;
    }

    /// <summary>Validates and records one ConfigureCurrency item (engine only).</summary>
    internal ConfigureCurrencyResult Configure(string code, int exponent, uint ledger)
    {
        if (!Iso4217.IsWellFormedCode(code)) return ConfigureCurrencyResult.CodeMalformed;
        if ((uint)exponent > MinorUnits.MaxExponent) return ConfigureCurrencyResult.ExponentOutOfRange;
        bool iso = Iso4217.TryGet(code, out Iso4217Entry e);
        if (iso)
        {
            if (e.HasMinorUnit && exponent != e.Exponent) return ConfigureCurrencyResult.ExponentDiffersFromIso4217;
            if (ledger == 0) ledger = e.Numeric;
            if (ledger != e.Numeric) return ConfigureCurrencyResult.Iso4217CurrencyMustUseNumericLedger;
        }
        else
        {
            if (ledger == 0) return ConfigureCurrencyResult.LedgerRequired;
            if (ledger < FirstOperatorLedger) return ConfigureCurrencyResult.LedgerReservedForIso4217;
        }

        var info = new CurrencyInfo(code, iso ? e.Numeric : (ushort)0, exponent, ledger, true);
        if (_configured.TryGetValue(code, out CurrencyInfo existing))
            return existing == info ? ConfigureCurrencyResult.Ok : ConfigureCurrencyResult.ConfiguredDifferently;
        if (iso && e.HasMinorUnit) return ConfigureCurrencyResult.Ok; // already usable exactly so: nothing to record
        if (_configuredByLedger.ContainsKey(ledger)) return ConfigureCurrencyResult.LedgerInUse;
        if (_order.Count >= MaxConfiguredCurrencies) return ConfigureCurrencyResult.TooManyCurrencies;
        _configured.Add(code, info);
        _configuredByLedger.Add(ledger, code);
        _order.Add(code);
        return ConfigureCurrencyResult.Ok;
    }

    internal void Restore(CurrencyInfo info)
    {
        _configured.Add(info.Code, info);
        _configuredByLedger.Add(info.Ledger, info.Code);
        _order.Add(info.Code);
    }
}

/// <summary>Outcome of one ConfigureCurrency item. Values are stable; append only.</summary>
public enum ConfigureCurrencyResult : byte
{
    Ok = 0,
    /// <summary>The code is not three ASCII capital letters.</summary>
    CodeMalformed = 1,
    /// <summary>Exponent above <see cref="MinorUnits.MaxExponent"/>.</summary>
    ExponentOutOfRange = 2,
    /// <summary>ISO 4217 defines this currency's minor unit and the command names another.</summary>
    ExponentDiffersFromIso4217 = 3,
    /// <summary>An ISO 4217 currency lives on the ledger equal to its numeric code.</summary>
    Iso4217CurrencyMustUseNumericLedger = 4,
    /// <summary>A currency outside ISO 4217 needs an explicit ledger.</summary>
    LedgerRequired = 5,
    /// <summary>Ledgers below 1000 are ISO 4217 numeric codes.</summary>
    LedgerReservedForIso4217 = 6,
    /// <summary>Another configured currency already uses this ledger.</summary>
    LedgerInUse = 7,
    /// <summary>The code is already configured with a different exponent or ledger (never changed once set).</summary>
    ConfiguredDifferently = 8,
    TooManyCurrencies = 9,
}
