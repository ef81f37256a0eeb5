using System.Globalization;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>The day schedule over HTTP: precise refusals, and an idle node that passes its cut-offs on time by itself.</summary>
public class DayScheduleEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bad_schedules_get_precise_problems_and_malformed_ones_change_nothing()
    {
        await using TestNode node = await TestNode.StartAsync(world: false);
        CorridorClient op = node.Operator;
        (long, string) before = await node.StateAsync();
        foreach ((string json, string code) in new[]
        {
            ("""{"customer_cutoff":"4pm","interbank_cutoff":"17:00","end_of_day":"18:00","utc_offset":"+03:00"}""", "request.invalid_value"),
            ("""{"customer_cutoff":"16:60","interbank_cutoff":"17:00","end_of_day":"18:00","utc_offset":"+03:00"}""", "request.invalid_value"),
            ("""{"customer_cutoff":"16:00","interbank_cutoff":"17:00","end_of_day":"18:00","utc_offset":"MSK"}""", "request.invalid_value"),
            ("""{"customer_cutoff":"16:00","interbank_cutoff":"17:00"}""", "request.missing_field"),
            ("""{"customer_cutoff":"00:00","interbank_cutoff":"00:00","end_of_day":"00:00","utc_offset":"Z"}""", "request.invalid_value"),
            ("""{"customer_cutoff":"16:00","interbank_cutoff":"17:00","end_of_day":"18:00","utc_offset":"+03:00","x":1}""", "request.unknown_field"),
        })
        {
            var (status, body, _) = await TestNode.Send(op, HttpMethod.Put, "/v1/day/schedule", json);
            Assert.True(status == System.Net.HttpStatusCode.BadRequest, body);
            Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
        }
        Assert.Equal(before, await node.StateAsync());

        foreach ((SetDayScheduleRequest request, string code) in new[]
        {
            (new SetDayScheduleRequest("16:00", "17:00", "24:00", "+03:00"), "settlement.cutoff_outside_day"),
            (new SetDayScheduleRequest("17:00", "16:00", "18:00", "+03:00"), "settlement.cutoffs_out_of_order"),
            (new SetDayScheduleRequest("16:00", "17:00", "17:00", "+03:00"), "settlement.cutoffs_out_of_order"),
            (new SetDayScheduleRequest("16:00", "17:00", "18:00", "+14:01"), "settlement.utc_offset_out_of_range"),
        })
        {
            ApiResult<DayScheduleDto> r = await op.SetDayScheduleAsync(request, C);
            Assert.Equal(422, (int)r.Status);
            Assert.Equal(code, r.Problem?.Code);
        }
        Assert.False((await op.GetDayScheduleAsync(C)).Unwrap().Scheduled);

        DayScheduleDto set = (await op.SetDayScheduleAsync(new SetDayScheduleRequest("16:00", "17:00:30", "18:00", "-05:00"), C)).Unwrap();
        Assert.Equal(new DayScheduleDto(true, "16:00", "17:00:30", "18:00", "-05:00", []), set with { Cutoffs = [] });
        Assert.Empty(set.Cutoffs); // no business day open yet
        (await op.OpenDayAsync(new DateOnly(2030, 6, 3), C)).Unwrap();
        DayDto day = (await op.GetDayAsync(C)).Unwrap();
        Assert.Equal("customer_cutoff", day.NextCutoff);
        Assert.Equal(new DateTimeOffset(2030, 6, 3, 21, 0, 0, TimeSpan.Zero), day.NextCutoffAt);
        Assert.Equal([new CutoffDto("customer_cutoff", new DateTimeOffset(2030, 6, 3, 21, 0, 0, TimeSpan.Zero)),
            new CutoffDto("interbank_cutoff", new DateTimeOffset(2030, 6, 3, 22, 0, 30, TimeSpan.Zero)),
            new CutoffDto("end_of_day", new DateTimeOffset(2030, 6, 3, 23, 0, 0, TimeSpan.Zero))], day.Cutoffs!);
        Assert.InRange(day.SecondsToNextCutoff!.Value, 1, 200L * 366 * 86_400);

        Assert.False((await op.SetDayScheduleAsync(new SetDayScheduleRequest(), C)).Unwrap().Scheduled);
        Assert.Null((await op.GetDayAsync(C)).Unwrap().NextCutoff);
    }

    [Fact]
    public async Task An_idle_node_passes_its_cutoffs_on_time_and_rejects_what_is_queued()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        // An offset that puts the operator's clock near noon, so the cut-offs a few seconds ahead stay within the day.
        DateTimeOffset utc = DateTimeOffset.UtcNow;
        int offsetMinutes = (int)Math.Round((TimeSpan.FromHours(12) - utc.TimeOfDay).TotalMinutes);
        DateTimeOffset local = utc.ToOffset(TimeSpan.FromMinutes(offsetMinutes));
        string offset = (offsetMinutes < 0 ? "-" : "+") + TimeSpan.FromMinutes(Math.Abs(offsetMinutes)).ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        string At(int seconds) => local.AddSeconds(seconds).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

        (await op.OpenDayAsync(DateOnly.FromDateTime(local.DateTime), C)).Unwrap();
        PaymentDto queued = (await node.AliceClient.SubmitPaymentAsync(
            new SubmitPaymentRequest("0xD1", TestNode.Bob, TestNode.Ledger, TestNode.Funding + 1, Kind: "interbank"), C)).Unwrap();
        Assert.Equal("queued", queued.Status);
        (await op.SetDayScheduleAsync(new SetDayScheduleRequest(At(3), At(4), At(3_600), offset), C)).Unwrap();
        DayDto day = (await node.AliceClient.GetDayAsync(C)).Unwrap();
        Assert.Equal("open", day.Phase);
        Assert.Equal("customer_cutoff", day.NextCutoff);
        Assert.InRange(day.SecondsToNextCutoff!.Value, 1, 4);

        // No request but reads from here on: only the node's own tick can move the day.
        long sequence = (await node.StateAsync()).Sequence;
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((day = (await op.GetDayAsync(C)).Unwrap()).Phase != "interbank_cutoff" && DateTime.UtcNow < deadline) await Task.Delay(200, C);
        Assert.Equal("interbank_cutoff", day.Phase);
        Assert.Equal("end_of_day", day.NextCutoff);
        DateTimeOffset interbankAt = Assert.Single(day.Cutoffs!, c => c.Phase == "interbank_cutoff").At;
        Assert.True(day.PhaseSince >= (ulong)interbankAt.ToUnixTimeMilliseconds() * 1_000_000, "the day moved before its cut-off");
        Assert.InRange((await node.StateAsync()).Sequence - sequence, 1, 2); // one tick per cut-off, or one for both
        PaymentDto rejected = (await op.GetPaymentAsync("0xD1", C)).Unwrap();
        Assert.Equal("rejected", rejected.Status);
        Assert.Equal("settlement.rejected_at_interbank_cutoff", rejected.Reason);
    }
}
