using Corridor.Core.Engine;

namespace Corridor.Core.Settlement;

/// <summary>
/// The operating day's schedule: customer cut-off, interbank cut-off and end of day as times of day (seconds after
/// midnight) in the operator's time zone (<c>UtcOffsetMinutes</c> east of UTC). It stands for every business day: the
/// cut-offs of day <c>yyyymmdd</c> are that date's times in that offset. All three zero removes the schedule.
/// </summary>
public readonly record struct SetDaySchedule(uint CustomerCutoffSeconds, uint InterbankCutoffSeconds, uint EndOfDaySeconds, int UtcOffsetMinutes)
    : ISettlementCommand<SetDaySchedule>
{
    /// <summary>Removes the schedule: phases move only by <see cref="ChangeDayPhase"/> again.</summary>
    public static SetDaySchedule None => default;
    public static Operation Operation => Operation.SetDaySchedule;
    public static int MaxItemBytes => 16;
    public bool RemovesSchedule => CustomerCutoffSeconds == 0 && InterbankCutoffSeconds == 0 && EndOfDaySeconds == 0;
    public void Write(ref PayloadWriter w) { w.U32(CustomerCutoffSeconds); w.U32(InterbankCutoffSeconds); w.U32(EndOfDaySeconds); w.U32(unchecked((uint)UtcOffsetMinutes)); }
    public static SetDaySchedule Read(ref PayloadReader r) => new(r.U32(), r.U32(), r.U32(), unchecked((int)r.U32()));
}

/// <summary>
/// Operation 130: no items. Its batch, like every batch, first moves the day past every scheduled cut-off whose time
/// has come; a server submits it when a cut-off passes while no other command arrives, so an idle node keeps the schedule.
/// </summary>
public readonly record struct DayScheduleTick : ISettlementCommand<DayScheduleTick>
{
    public static Operation Operation => Operation.DayScheduleTick;
    public static int MaxItemBytes => 0;
    public void Write(ref PayloadWriter w) { }
    public static DayScheduleTick Read(ref PayloadReader r) => default;
}

/// <summary>The standing schedule of the operating day (times of day in seconds, offset in minutes east of UTC).</summary>
public readonly record struct DaySchedule(uint CustomerCutoffSeconds, uint InterbankCutoffSeconds, uint EndOfDaySeconds, int UtcOffsetMinutes);

/// <summary>A cut-off of the open business day: the phase it starts and its engine time (ns since the Unix epoch).</summary>
public readonly record struct ScheduledCutoff(DayPhase Phase, ulong AtNs);

// Scheduled cut-offs: time enters as the batch timestamp, so replay moves the day at the same point.
public sealed partial class SettlementState
{
    public const uint SecondsPerDay = 86_400;
    /// <summary>Farthest offsets from UTC in use (UTC−12:00 … UTC+14:00), with room on the west side.</summary>
    public const int MaxUtcOffsetMinutes = 14 * 60;

    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    private DaySchedule? _schedule;

    public DaySchedule? Schedule => _schedule;

    private SettlementResult SetDayScheduleItem(in SetDaySchedule item, ref ulong clock)
    {
        if (item.RemovesSchedule) { _schedule = null; return SettlementResult.Ok; }
        if (item.UtcOffsetMinutes is < -MaxUtcOffsetMinutes or > MaxUtcOffsetMinutes) return SettlementResult.UtcOffsetOutOfRange;
        if (item.CustomerCutoffSeconds >= SecondsPerDay || item.InterbankCutoffSeconds >= SecondsPerDay || item.EndOfDaySeconds >= SecondsPerDay)
            return SettlementResult.CutoffOutsideDay;
        if (item.CustomerCutoffSeconds >= item.InterbankCutoffSeconds || item.InterbankCutoffSeconds >= item.EndOfDaySeconds)
            return SettlementResult.CutoffsOutOfOrder;
        _schedule = new DaySchedule(item.CustomerCutoffSeconds, item.InterbankCutoffSeconds, item.EndOfDaySeconds, item.UtcOffsetMinutes);
        // A cut-off of the open day that the new schedule puts in the past takes effect at once.
        ApplyScheduledCutoffs(clock, ref clock);
        return SettlementResult.Ok;
    }

    /// <summary>
    /// The open business day's three cut-offs under the schedule, in phase order; empty without a schedule, before the
    /// first open, or when the business date is not a calendar date. A time before the Unix epoch counts as 0 (passed).
    /// </summary>
    public ScheduledCutoff[] ScheduledCutoffs()
    {
        if (_schedule is not { } s || _businessDate == 0) return [];
        int year = (int)(_businessDate / 10_000), month = (int)(_businessDate / 100 % 100), day = (int)(_businessDate % 100);
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return [];
        long midnightUtcSeconds = (long)(new DateOnly(year, month, day).DayNumber - UnixEpochDayNumber) * SecondsPerDay
            - s.UtcOffsetMinutes * 60L;
        return
        [
            new(DayPhase.CustomerCutoff, AtNs(midnightUtcSeconds + s.CustomerCutoffSeconds)),
            new(DayPhase.InterbankCutoff, AtNs(midnightUtcSeconds + s.InterbankCutoffSeconds)),
            new(DayPhase.EndOfDay, AtNs(midnightUtcSeconds + s.EndOfDaySeconds)),
        ];

        static ulong AtNs(long seconds) => seconds <= 0 ? 0 : (ulong)seconds * 1_000_000_000UL;
    }

    /// <summary>The next cut-off of the open business day under the schedule (null without one, or once the day reached end of day).</summary>
    public ScheduledCutoff? NextScheduledCutoff()
    {
        if (_phase is DayPhase.Closed or DayPhase.EndOfDay) return null;
        foreach (ScheduledCutoff c in ScheduledCutoffs())
            if (c.Phase > _phase) return c;
        return null;
    }

    /// <summary>The next cut-off whose time is at or before <paramref name="nowNs"/>, if any.</summary>
    private ScheduledCutoff? DueScheduledCutoff(ulong nowNs) =>
        NextScheduledCutoff() is { } next && next.AtNs <= nowNs ? next : null;

    /// <summary>
    /// Moves the day, one phase at a time, past every scheduled cut-off due at <paramref name="nowNs"/>, exactly as
    /// <see cref="ChangeDayPhase"/> would (last LSM run, rejections of queued payments, statements). Timed payments due
    /// before a cut-off (latest time passed, earliest time reached) are dealt with first, so their order is the clock's.
    /// </summary>
    private void ApplyScheduledCutoffs(ulong nowNs, ref ulong clock)
    {
        while (DueScheduledCutoff(nowNs) is { } due)
        {
            ReleaseTimedPayments(due.AtNs, due.AtNs == 0 ? 0 : due.AtNs - 1, ref clock);
            clock++;
            SettlementResult moved = ChangeDayPhaseItem(new ChangeDayPhase(due.Phase), ref clock);
            if (moved != SettlementResult.Ok)
                throw new InvalidOperationException($"scheduled cut-off to {due.Phase} from {_phase} refused: {moved}");
            ProcessWorklist(ref clock);
        }
    }

    public void WriteScheduleSnapshot(BinaryWriter w)
    {
        w.Write(_schedule.HasValue);
        if (_schedule is not { } s) return;
        w.Write(s.CustomerCutoffSeconds); w.Write(s.InterbankCutoffSeconds); w.Write(s.EndOfDaySeconds); w.Write(s.UtcOffsetMinutes);
    }

    public void ReadScheduleSnapshot(BinaryReader r)
    {
        if (!r.ReadBoolean()) { _schedule = null; return; }
        var s = new DaySchedule(r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadInt32());
        if (s.EndOfDaySeconds >= SecondsPerDay || s.CustomerCutoffSeconds >= s.InterbankCutoffSeconds || s.InterbankCutoffSeconds >= s.EndOfDaySeconds
            || s.UtcOffsetMinutes is < -MaxUtcOffsetMinutes or > MaxUtcOffsetMinutes)
            throw new InvalidDataException($"settlement snapshot: invalid day schedule {s}");
        _schedule = s;
    }
}
