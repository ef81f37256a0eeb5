using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Spectre.Console;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench iso</c>: pacs.008 messages through streaming parse + XSD validation + business
/// rules (incl. duplicate detection) + mapping + settlement on the real engine (in-process, no fsync),
/// on one thread. Message generation (distinct MsgId/EndToEndId/UETR per message) is not timed.
/// </summary>
internal static class IsoBench
{
    private const uint Eur = 978;
    private const int PaymentsPerCommand = 512;

    public static Command Create()
    {
        var messages = new Option<int>("--messages") { Description = "pacs.008 messages to process.", DefaultValueFactory = _ => 200_000 };
        var json = Commands.BenchCommand.JsonOption();
        var command = new Command("iso", "ISO 20022 pacs.008 parse + XSD validate + business rules + settle, messages per second on one thread.") { messages, json };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(messages);
            if (n < 1 || n > 5_000_000) { Console.Error.WriteLine("corridor bench iso: --messages must be between 1 and 5,000,000"); return 2; }
            bool asJson = parse.GetValue(json);
            var (seconds, cpuSeconds, settled, allocated) = asJson ? Run(n) : AnsiConsole.Status().Start($"processing {n:N0} pacs.008 messages…", _ => Run(n));
            BenchOutput.Report("corridor bench iso", [
                new("benchmark", "iso"),
                new("messages", n),
                new("settled", settled),
                new("seconds", Math.Round(seconds, 3)),
                new("messages_per_second", Math.Round(n / seconds)),
                new("messages_per_cpu_second", Math.Round(n / cpuSeconds)),
                new("allocated_bytes_per_message", allocated / n),
            ], asJson);
            return settled == n ? 0 : 1;
        });
        return command;
    }

    private static (double Seconds, double CpuSeconds, int Settled, long AllocatedBytes) Run(int count)
    {
        string template;
        using (Stream s = typeof(IsoBench).Assembly.GetManifestResourceStream("Corridor.Cli.Bench.pacs008.xml")!)
        using (var reader = new StreamReader(s)) template = reader.ReadToEnd();
        var bodies = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            string id = i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
            bodies[i] = Encoding.UTF8.GetBytes(template
                .Replace("COBA-20261123-55021", "COBA-B-" + id, StringComparison.Ordinal)
                .Replace("RENT-2026-11-APT4B", "E2E-" + id, StringComparison.Ordinal)
                .Replace("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", new Guid(0x0b6e0a7c, 0x3d2f, 0x4a1b, 0x8c, 0x9d, 0x5e, 0x4f, (byte)(i >> 24), (byte)(i >> 16), (byte)(i >> 8), (byte)i).ToString(), StringComparison.Ordinal));
        }

        var engine = new Engine(0, count + 16);
        ulong now = 1_800_000_000_000_000_000;
        long sequence = 0;
        void Apply(params byte[][] commands)
        {
            byte[] body = commands.SelectMany(c => c).ToArray();
            var setup = new List<CommandReply>();
            engine.Apply(++sequence, now += 1_000_000, body, setup);
            foreach (CommandReply r in setup)
                if (!r.AllOk) throw new InvalidOperationException($"benchmark setup: {r.Operation} failed with {(SettlementResult)r.Errors[0].Code}");
        }
        Apply(SettlementCodec.EncodeCommand(new RegisterParticipant(1, ParticipantRole.CentralBank, "Central Bank")),
              SettlementCodec.EncodeCommand(new RegisterLedger(Eur, 1, 1, 2, "EUR")),
              SettlementCodec.EncodeCommand(new RegisterParticipant(10, ParticipantRole.DirectParticipant, "COBADEFF"), new RegisterParticipant(20, ParticipantRole.DirectParticipant, "BNPAFRPP")),
              SettlementCodec.EncodeCommand(new OpenSettlementAccount(10, Eur, 100), new OpenSettlementAccount(20, Eur, 200)),
              SettlementCodec.EncodeCommand(new OpenBusinessDay(20261123)),
              SettlementCodec.EncodeCommand(new MoveLiquidity(7_000_001, 10, Eur, SettlementState.MaxAmountMinor, LiquidityDirection.Inject)));
        var directory = new Dictionary<string, ulong> { ["COBADEFF"] = 10, ["BNPAFRPP"] = 20 };
        ParticipantDirectory lookup = ParticipantDirectory.WithIsoLedgers(bic => directory.TryGetValue(bic, out ulong p) ? p : null);

        Iso20022Codec.Warm();
        var seen = new HashSet<string>(count * 2, StringComparer.Ordinal);
        var rules = new BusinessRuleOptions { IsSeen = key => !seen.Add(key.ToString()) };
        var pending = new List<SubmitPaymentWithDetails>(PaymentsPerCommand);
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = process.TotalProcessorTime;
        long allocatedStart = GC.GetAllocatedBytesForCurrentThread(); // parsing, rules, mapping and the engine all run on this thread
        long start = Stopwatch.GetTimestamp();
        var replies = new List<CommandReply>();
        int settled = 0;
        void Flush()
        {
            if (pending.Count == 0) return;
            replies.Clear();
            engine.Apply(++sequence, now += 1_000_000, SubmitPaymentWithDetails.EncodeCommand(pending.ToArray()), replies);
            foreach (PaymentOutcome outcome in (PaymentOutcome[])replies[0].Data!)
                if (outcome.Status == PaymentStatus.Settled) settled++;
            pending.Clear();
        }
        foreach (byte[] xml in bodies)
        {
            Corridor.Iso20022.ParseResult parsed = Iso20022Codec.Parse(xml);
            if (!parsed.IsSuccess || parsed.Message is not Pacs008Message pacs008)
                throw new InvalidOperationException("benchmark message rejected: " + string.Join("; ", parsed.Errors));
            if (Iso20022Codec.Validate(pacs008, rules) is { Count: > 0 } issues)
                throw new InvalidOperationException("benchmark message fails business rules: " + string.Join("; ", issues));
            foreach (CustomerCreditTransfer tx in pacs008.Transactions)
            {
                MappedPayment mapped = PaymentMapping.Map(pacs008.MsgId, tx, lookup);
                if (!mapped.IsMapped) throw new InvalidOperationException($"{mapped.ReasonCode}: {mapped.Reason}");
                pending.Add(new SubmitPaymentWithDetails(mapped.Payment!.Value, mapped.Details ?? PaymentDetails.None));
            }
            if (pending.Count >= PaymentsPerCommand) Flush();
        }
        Flush();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        return (seconds, (process.TotalProcessorTime - cpuStart).TotalSeconds, settled, GC.GetAllocatedBytesForCurrentThread() - allocatedStart);
    }
}
