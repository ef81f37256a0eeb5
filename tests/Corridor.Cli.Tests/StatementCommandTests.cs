using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Storage.Journal;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor statement</c> projects the journal into the SQLite read model and prints a day's statement.</summary>
public sealed class StatementCommandTests
{
    private const uint Eur = 1;

    private static byte[] Cmd<T>(T item) where T : ISettlementCommand<T> => SettlementCodec.EncodeCommand(item);

    /// <summary>A journal with one business day: banks 11 and 12, 1,000 funded to 11, payments 11 → 12 of 300 and 200, end of day.</summary>
    internal static Engine WriteDay(string journalPath)
    {
        byte[][] batches =
        [
            Cmd(new SetSettlementOptions(SettlementOptions.All)),
            Cmd(new RegisterParticipant(1, ParticipantRole.CentralBank, "Central Bank")),
            Cmd(new RegisterParticipant(2, ParticipantRole.Operator, "Operator")),
            Cmd(new RegisterLedger(Eur, 1, 1, 2, "EUR")),
            Cmd(new RegisterParticipant(11, ParticipantRole.DirectParticipant, "Bank 11")),
            Cmd(new OpenSettlementAccount(11, Eur, 111)),
            Cmd(new RegisterParticipant(12, ParticipantRole.DirectParticipant, "Bank 12")),
            Cmd(new OpenSettlementAccount(12, Eur, 112)),
            Cmd(new OpenBusinessDay(20260102)),
            Cmd(new MoveLiquidity(900, 11, Eur, 1_000, LiquidityDirection.Inject)),
            Cmd(new SubmitPayment(901, 11, 12, Eur, 300, PaymentPriority.Normal, PaymentKind.Interbank, 0, 0, 0)),
            Cmd(new SubmitPayment(902, 11, 12, Eur, 200, PaymentPriority.Normal, PaymentKind.Interbank, 0, 0, 0)),
            Cmd(new ChangeDayPhase(DayPhase.CustomerCutoff)),
            Cmd(new ChangeDayPhase(DayPhase.InterbankCutoff)),
            Cmd(new ChangeDayPhase(DayPhase.EndOfDay)),
        ];
        var engine = new Engine();
        using var journal = FileJournal.Open(journalPath);
        ulong time = 1_767_340_800_000_000_000; // 2026-01-02T08:00:00Z
        for (int i = 0; i < batches.Length; i++)
        {
            time += 1_000_000_000;
            journal.Append(i + 1, time, batches[i]);
            engine.Apply(i + 1, time, batches[i], null);
        }
        return engine;
    }

    [Fact]
    public async Task Statement_of_a_day_in_csv_json_and_camt053()
    {
        using var dir = new TempDir();
        Engine engine = WriteDay(Path.Combine(dir.Path, "journal"));
        AccountStatement expected = engine.Settlement.GetStatement(20260102, 111)!;
        Assert.Equal(500, expected.ClosingBalanceMinor);

        var (code, csv, err) = await CorridorProcess.RunAsync("statement", "111", "--day", "2026-01-02", "--data", dir.Path);
        Assert.True(code == 0, err);
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("record,", lines[0]);
        Assert.Equal(expected.Entries.Count + 3, lines.Length);
        Assert.EndsWith(",500", lines[^1]);
        Assert.StartsWith("opening,2026-01-02,", lines[1]); // ISO 8601, as --day and the API
        Assert.Contains(lines, l => l.StartsWith("entry,", StringComparison.Ordinal) && l.Contains(",901,DBIT,300,12,", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(dir.Path, "readmodel.db")));

        (code, string json, err) = await CorridorProcess.RunAsync("statement", "111", "--day", "2026-01-02", "--data", dir.Path, "--format", "json", "--no-catch-up");
        Assert.True(code == 0, err);
        Assert.Contains("\"closing_balance_minor\":500", json);
        Assert.Contains("\"business_date\":\"2026-01-02\"", json);

        (code, string xml, err) = await CorridorProcess.RunAsync("statement", "111", "--day", "2026-01-02", "--data", dir.Path, "--format", "camt053", "--currency", "EUR");
        Assert.True(code == 0, err);
        Assert.Contains("camt.053.001.08", xml);
        Assert.Contains("<Cd>CLBD</Cd>", xml);
        // Valid against the shipped XSD (ids within Max35Text), parsed by the project's own reader.
        Corridor.Iso20022.ParseResult parsed = Corridor.Iso20022.Iso20022Codec.Parse(System.Text.Encoding.UTF8.GetBytes(xml.Trim()));
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => $"{e.ReasonCode} {e.Path}: {e.Message}")));

        (code, _, err) = await CorridorProcess.RunAsync("statement", "111", "--day", "2026-01-03", "--data", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("no statement", err);
    }
}

/// <summary><c>corridor run</c> feeds the read model as it runs: the statement is there without a catch-up.</summary>
public sealed class RunProjectorTests
{
    [Fact]
    public async Task A_running_node_projects_its_journal_into_the_read_model()
    {
        using var dir = new TempDir();
        StatementCommandTests.WriteDay(Path.Combine(dir.Path, "journal"));
        using var node = CorridorProcess.Start("run", "--data", dir.Path);
        try
        {
            int code = -1;
            for (int i = 0; i < 100 && code != 0; i++)
            {
                await Task.Delay(300, TestContext.Current.CancellationToken);
                if (!File.Exists(Path.Combine(dir.Path, "readmodel.db"))) continue;
                (code, _, _) = await CorridorProcess.RunAsync("statement", "112", "--day", "2026-01-02", "--data", dir.Path, "--no-catch-up", "--format", "json");
            }
            Assert.Equal(0, code);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
