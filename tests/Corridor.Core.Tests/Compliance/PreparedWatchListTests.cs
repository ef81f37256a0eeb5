using CsCheck;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Core.Tests.Settlement;
using Corridor.Workloads;
using static Corridor.Core.Tests.Settlement.SettlementHarness;
using PaymentStatus = Corridor.Core.Settlement.PaymentStatus;

namespace Corridor.Core.Tests.Compliance;

/// <summary>
/// A watch list parsed and indexed ahead of the engine (as the endpoint does, on another thread) is taken by the engine
/// instead of being parsed at load and indexed by the first payment; the state and every screening decision are the
/// same as without preparation.
/// </summary>
public sealed class PreparedWatchListTests
{
    private const ulong Officer = 7;

    private static string Csv(int entries, ulong seed)
    {
        WatchList list = ScreeningBenchmark.GenerateWatchList(entries, seed);
        var csv = new System.Text.StringBuilder(WatchListParser.CsvHeader).Append('\n');
        foreach (WatchListEntry e in list.Entries)
            csv.Append(e.Id).Append(",person,\"").Append(e.Names[0].Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",,,,S\n");
        return csv.ToString();
    }

    private static byte[] Load(LoadWatchList c) => ExchangeCommands.Encode(Operation.LoadWatchList, c);

    private static byte[] Threshold(int threshold) => ExchangeCommands.Encode(Operation.SetScreeningThreshold, new SetScreeningThreshold(Officer, (byte)threshold));

    private static byte[] PaymentTo(ulong id, string beneficiary) =>
        SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(Payment(id, A, B, 1),
            TestParties.CustomerDetails(A, B) with { Beneficiary = TestParties.Person(beneficiary, "Paris", "FR", "FR-ACC-" + B) }));

    private static SettlementHarness Funded()
    {
        SettlementHarness h = Standard();
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.All | SettlementOptions.ScreenPaymentsWithoutDetails)))[0].AllOk);
        h.Fund(A, 1_000_000);
        return h;
    }

    [Fact]
    public async Task A_prepared_list_is_not_parsed_nor_indexed_by_the_engine_and_an_unprepared_one_is_indexed_once_on_first_use()
    {
        var load = new LoadWatchList(Officer, "sanctions", WatchListFormat.Csv, "v1", Csv(2_000, 5));
        WatchList listed = WatchListParser.ParseCsv(load.Text, load.Name, load.VersionLabel).List!;
        string name = listed.Entries[17].PrimaryName;

        SettlementHarness prepared = Funded();
        // The rim's work, on another thread, before the command is journaled.
        int threshold = prepared.Engine.Compliance.Threshold;
        await Task.Run(() =>
        {
            WatchListParseResult parsed = prepared.Engine.Compliance.Prepared.PrepareList(load);
            prepared.Engine.Compliance.Prepared.PrepareScreener(parsed.List!, threshold);
        }, TestContext.Current.CancellationToken);
        Assert.True(prepared.Batch(Load(load))[0].AllOk);
        Assert.Equal(1, prepared.Engine.Compliance.Prepared.ListsTaken);
        Assert.True(prepared.Batch(PaymentTo(1, name))[0].AllOk);
        Assert.Equal(0, prepared.Engine.Compliance.ScreenerBuilds);
        Assert.Equal(1, prepared.Engine.Compliance.Prepared.ScreenersTaken);

        SettlementHarness plain = Funded();
        Assert.True(plain.Batch(Load(load))[0].AllOk);
        Assert.Equal(0, plain.Engine.Compliance.ScreenerBuilds); // loading alone builds nothing
        Assert.True(plain.Batch(PaymentTo(1, name))[0].AllOk);
        Assert.True(plain.Batch(PaymentTo(2, "Jean Martin"))[0].AllOk);
        Assert.Equal(1, plain.Engine.Compliance.ScreenerBuilds);

        Assert.True(prepared.Batch(PaymentTo(2, "Jean Martin"))[0].AllOk);
        Assert.Equal(PaymentStatus.Held, prepared.StatusOf(1));
        Assert.Equal(plain.Engine.StateHashHex(), prepared.Engine.StateHashHex());
        Assert.Equal(prepared.Engine.StateHashHex(), prepared.ReplayHash());
    }

    [Fact]
    public void Screening_decisions_and_state_are_the_same_with_and_without_preparation()
    {
        // Steps: 0 = load list k, 1 = pay a name, 2 = change the threshold. With preparation every load and threshold is prepared first.
        var lists = new[] { Csv(300, 1), Csv(300, 2) };
        var listed = lists.Select(t => WatchListParser.ParseCsv(t, "x", "v").List!).ToArray();
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, 299], Gen.Int[70, 95]).Array[1, 25].Sample(steps =>
        {
            SettlementHarness prepared = Funded(), plain = Funded();
            ulong id = 1;
            foreach (var (kind, list, entry, threshold) in steps)
            {
                byte[] command;
                switch (kind)
                {
                    case 0:
                        var load = new LoadWatchList(Officer, "list-" + list, WatchListFormat.Csv, "v", lists[list]);
                        WatchListParseResult parsed = prepared.Engine.Compliance.Prepared.PrepareList(load);
                        prepared.Engine.Compliance.Prepared.PrepareScreener(parsed.List!, prepared.Engine.Compliance.Threshold);
                        command = Load(load);
                        break;
                    case 1:
                        command = PaymentTo(id++, listed[list].Entries[entry].PrimaryName);
                        break;
                    default:
                        foreach (WatchList l in prepared.Engine.Compliance.ListsInForce()) prepared.Engine.Compliance.Prepared.PrepareScreener(l, threshold);
                        command = Threshold(threshold);
                        break;
                }
                List<CommandReply> a = prepared.Batch(command), b = plain.Batch(command);
                Assert.Equal(b[0].Errors, a[0].Errors);
            }
            Assert.Equal(0, prepared.Engine.Compliance.ScreenerBuilds);
            Assert.Equal(plain.Engine.StateHashHex(), prepared.Engine.StateHashHex());
        }, iter: 30, threads: 1);
    }
}
