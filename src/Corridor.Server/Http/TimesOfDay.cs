using System.Globalization;
using Corridor.Client;
using Corridor.Core.Settlement;

namespace Corridor.Server.Http;

/// <summary>
/// The wire form of the day schedule: times of day "HH:MM[:SS]" and UTC offsets "±HH:MM" or "Z", read and written by one
/// function each. Parsing checks the form only; whether a time lies within the day, the order of the cut-offs and the
/// offset's range are the engine's rules (<c>SettlementState.Schedule.cs</c>), answered as <c>settlement.*</c>.
/// </summary>
public static class TimesOfDay
{
    /// <summary>Seconds after midnight of "HH:MM" or "HH:MM:SS" (two digits each; minutes and seconds below 60).</summary>
    public static uint ParseSeconds(string? value, string field)
    {
        if (value is { Length: 5 or 8 } && TwoDigits(value, 0, 99, out int h) && value[2] == ':' && TwoDigits(value, 3, 59, out int m)
            && (value.Length == 5 || (value[5] == ':' && TwoDigits(value, 6, 59, out _))))
            return (uint)(h * 3_600 + m * 60 + (value.Length == 8 ? int.Parse(value.AsSpan(6, 2), CultureInfo.InvariantCulture) : 0));
        throw ApiException.BadRequest("request.invalid_value", $"{field} must be a time of day \"HH:MM\" or \"HH:MM:SS\"");
    }

    /// <summary>Minutes east of UTC of "+HH:MM", "-HH:MM" or "Z".</summary>
    public static int ParseOffsetMinutes(string? value, string field)
    {
        if (value == "Z") return 0;
        if (value is { Length: 6 } && value[0] is '+' or '-' && TwoDigits(value, 1, 99, out int h) && value[3] == ':' && TwoDigits(value, 4, 59, out int m))
            return (value[0] == '-' ? -1 : 1) * (h * 60 + m);
        throw ApiException.BadRequest("request.invalid_value", $"{field} must be a UTC offset \"+HH:MM\", \"-HH:MM\" or \"Z\"");
    }

    public static string FormatSeconds(uint seconds) =>
        seconds % 60 == 0 ? $"{seconds / 3_600:00}:{seconds / 60 % 60:00}" : $"{seconds / 3_600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}";

    public static string FormatOffset(int minutes) => $"{(minutes < 0 ? '-' : '+')}{Math.Abs(minutes) / 60:00}:{Math.Abs(minutes) % 60:00}";

    public static DateTimeOffset Instant(ulong atNs) => DateTimeOffset.FromUnixTimeMilliseconds((long)(atNs / 1_000_000));

    public static CutoffDto[] ToDto(IReadOnlyList<ScheduledCutoff> cutoffs) =>
        cutoffs.Select(c => new CutoffDto(Wire.Snake(c.Phase), Instant(c.AtNs))).ToArray();

    public static DayScheduleDto ToDto(DaySchedule? schedule, IReadOnlyList<ScheduledCutoff> cutoffs) => schedule is { } s
        ? new DayScheduleDto(true, FormatSeconds(s.CustomerCutoffSeconds), FormatSeconds(s.InterbankCutoffSeconds), FormatSeconds(s.EndOfDaySeconds), FormatOffset(s.UtcOffsetMinutes), ToDto(cutoffs))
        : new DayScheduleDto(false, null, null, null, null, []);

    private static bool TwoDigits(string s, int at, int max, out int value)
    {
        value = 0;
        if (!char.IsAsciiDigit(s[at]) || !char.IsAsciiDigit(s[at + 1])) return false;
        value = (s[at] - '0') * 10 + (s[at + 1] - '0');
        return value <= max;
    }
}
