using Corridor.Core.Engine;

namespace Corridor.Core.Settlement;

/// <summary>
/// Grants (op 118) or withdraws a participant's raw access to one non-settlement ledger: with it, the participant may
/// submit raw ledger transfers (POST /v1/transfers) between its own accounts and others' in that ledger. Settlement
/// ledgers are never granted: money moves there only as payments, through the one payment lifecycle.
/// </summary>
public readonly record struct GrantLedgerAccess(ulong Participant, uint Ledger, bool Granted) : ISettlementCommand<GrantLedgerAccess>
{
    public static Operation Operation => Operation.GrantLedgerAccess;
    public static int MaxItemBytes => 13;
    public void Write(ref PayloadWriter w) { w.U64(Participant); w.U32(Ledger); w.U8(Granted ? (byte)1 : (byte)0); }
    public static GrantLedgerAccess Read(ref PayloadReader r)
    {
        ulong participant = r.U64(); uint ledger = r.U32(); byte granted = r.U8();
        if (granted > 1) throw new InvalidDataException($"ledger access grant flag {granted} is not 0 or 1");
        return new(participant, ledger, granted == 1);
    }
}

// Raw ledger access: who may submit raw transfers in which ledger (docs/payment-lifecycle.md, "Raw ledger transfers").
public sealed partial class SettlementState
{
    /// <summary>Most raw-ledger grants in force at once (participant × ledger).</summary>
    public const int MaxLedgerGrants = 65_536;

    private readonly SortedSet<(ulong Participant, uint Ledger)> _ledgerGrants = new();

    private SettlementResult GrantLedgerAccessItem(in GrantLedgerAccess item, ref ulong clock)
    {
        if (item.Participant == 0) return SettlementResult.ParticipantIdMustNotBeZero;
        if (item.Ledger == 0) return SettlementResult.LedgerMustNotBeZero;
        if (!_participantIndex.ContainsKey(item.Participant)) return SettlementResult.ParticipantNotFound;
        if (_ledgerIndex.ContainsKey(item.Ledger)) return SettlementResult.SettlementLedgerNotGrantable;
        if (!item.Granted) { _ledgerGrants.Remove((item.Participant, item.Ledger)); return SettlementResult.Ok; }
        if (_ledgerGrants.Contains((item.Participant, item.Ledger))) return SettlementResult.Ok; // idempotent
        if (_ledgerGrants.Count >= MaxLedgerGrants) return SettlementResult.TooManyLedgerGrants;
        _ledgerGrants.Add((item.Participant, item.Ledger));
        return SettlementResult.Ok;
    }

    /// <summary>
    /// The raw-ledger rule: a participant's raw transfer may touch <paramref name="ledger"/> only when the operator granted it
    /// that ledger and it is not a settlement ledger (checked again here: a ledger registered after the grant is closed to it).
    /// </summary>
    public bool GrantsRawLedgerAccess(ulong participant, uint ledger) =>
        !_ledgerIndex.ContainsKey(ledger) && _ledgerGrants.Contains((participant, ledger));

    /// <summary>Ledgers the participant may use for raw transfers, ascending.</summary>
    public IReadOnlyList<uint> LedgerGrantsOf(ulong participant)
    {
        var list = new List<uint>();
        foreach (var (p, l) in _ledgerGrants.GetViewBetween((participant, 0), (participant, uint.MaxValue))) if (p == participant) list.Add(l);
        return list;
    }

    internal bool HasLedgerGrants => _ledgerGrants.Count != 0;

    public void WriteLedgerGrantsSnapshot(BinaryWriter w)
    {
        w.Write(_ledgerGrants.Count);
        foreach (var (p, l) in _ledgerGrants) { w.Write(p); w.Write(l); }
    }

    public void ReadLedgerGrantsSnapshot(BinaryReader r)
    {
        int n = r.ReadInt32();
        if ((uint)n > MaxLedgerGrants) throw new InvalidDataException($"settlement snapshot: {n} ledger grants exceed {MaxLedgerGrants}");
        for (int i = 0; i < n; i++)
            if (!_ledgerGrants.Add((r.ReadUInt64(), r.ReadUInt32()))) throw new InvalidDataException("settlement snapshot: ledger grant listed twice");
    }
}
