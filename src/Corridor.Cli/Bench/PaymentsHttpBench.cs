using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Corridor.Client;
using Corridor.Server;
using Corridor.Storage.Node;

namespace Corridor.Cli.Bench;

/// <summary>
/// <c>corridor bench http --mode payments|iso</c>: what a participant bank sends. Payments mode posts
/// <c>POST /v1/payments</c> (JSON, a customer payment with full originator and beneficiary, trade reference and ISO
/// ids), or with <c>--batch</c> &gt; 1 <c>POST /v1/payments/batch</c> of that many; iso mode posts <c>POST /v1/iso20022</c> pacs.008 messages of <c>--batch</c> transactions each. Every payment
/// passes the day, the travel rule and screening against a watch list of <c>--watch-list</c> synthetic entries (two
/// lists: one list's text must fit a command), and settles in RTGS from a funded payer to a payee. Raw keep-alive
/// connections, as in single mode. Settled payments are counted from the payee's balance at the end.
/// </summary>
internal static class PaymentsHttpBench
{
    private const uint Kes = 404;
    private const long AmountMinor = 100; // 1.00 KES each: the payee's balance counts the settled payments

    public static async Task<int> RunAsync(HttpBench.Settings s, int watchListEntries, bool json, CancellationToken cancel)
    {
        string? temp = null;
        CorridorServer? server = null;
        try
        {
            Uri baseUrl;
            string token;
            if (s.Url is null)
            {
                temp = s.Dir ?? Directory.CreateTempSubdirectory("corridor-bench-http-").FullName;
                server = await CorridorServer.StartAsync(new ServerOptions
                {
                    DataPath = temp, Urls = ["http://127.0.0.1:0"], Node = new NodeOptions { SnapshotEveryEvents = 0, SnapshotOnStop = false }, ReadModel = s.ReadModel,
                    OtlpEndpoint = s.OtlpEndpoint, TraceSampleRatio = s.TraceSampleRatio,
                }, cancel);
                baseUrl = new Uri(server.Addresses[0]);
                token = server.NewOperatorToken ?? Corridor.Server.Auth.SecretsDirectory.ReadOperatorToken(temp)!;
            }
            else
            {
                baseUrl = new Uri(s.Url);
                token = s.Token ?? throw new ArgumentException("--token (operator) is needed with --url");
            }
            var op = CorridorClient.Create(baseUrl, token, 8);
            World world = await SetUpAsync(op, 1 + s.Transfers + 4 * s.Warmup, watchListEntries, cancel); // the warm-up may run up to 4×

            int perRequest = s.Batch;
            var load = new Load(s, baseUrl, world, perRequest);
            // The first payment after the lists were loaded, alone: it shows a stall left by the load (an index built on first use).
            await load.RunAsync(0, 1, cancel, concurrency: 1);
            double firstPaymentMs = load.SortedLatencies()[0];
            load.Reset();
            long warmed = await HttpBench.WarmUpAsync((from, count) => load.RunAsync(1 + from, count, cancel), s.Warmup, perRequest);
            load.Reset();
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            Corridor.Workloads.GcDuring gcBefore = Corridor.Workloads.GcDuring.Now();
            TimeSpan cpu = HttpBench.ProcessCpu(), jit = System.Runtime.JitInfo.GetCompilationTime();
            long allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            long requests = await load.RunAsync(1 + warmed, s.Transfers, cancel);
            double seconds = clock.Elapsed.TotalSeconds;
            Corridor.Workloads.GcDuring gc = Corridor.Workloads.GcDuring.Now().Since(gcBefore);
            // What the timed payments left on the heap (the node's state, with the load generator's and server's buffers as
            // they happen to be): only meaningful with the node in this process.
            long retainedPerPayment = server is null ? 0 : (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / Math.Max(1, s.Transfers);
            double cpuPerRequest = HttpBench.CpuMicrosecondsPerRequest(cpu, requests);
            double jitMs = (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds;
            long allocatedPerRequest = requests == 0 ? 0 : (GC.GetTotalAllocatedBytes() - allocated) / requests;
            List<double> all = load.SortedLatencies();
            long settled = (await op.GetSettlementAccountAsync(world.Payee, Kes, cancel)).Unwrap().BalanceMinor / AmountMinor;
            long submitted = 1 + warmed + s.Transfers;
            BenchOutput.Report($"HTTP {s.Mode} payments", [
                new("mode", s.Mode),
                new("endpoint", s.Mode == "iso" ? "POST /v1/iso20022 (pacs.008.001.09)" : s.Batch > 1 ? "POST /v1/payments/batch" : "POST /v1/payments"),
                new("transfers", s.Transfers),
                new("payments", s.Transfers),
                new("requests", requests),
                new("transfers_per_request", perRequest),
                new("payments_per_request", perRequest),
                new("concurrency", s.Concurrency),
                new("warmup_transfers", warmed),
                new("target_requests_per_second", s.Rate),
                new("load_generator", "raw HTTP/1.1 keep-alive connections"),
                new("watch_list_entries", watchListEntries),
                new("watch_list_load_ms", Math.Round(world.WatchListLoadMs, 1)),
                new("first_payment_ms", Math.Round(firstPaymentMs, 1)),
                new("seconds", Math.Round(seconds, 3)),
                new("transfers_per_second", Math.Round(s.Transfers / seconds, 0)),
                new("payments_per_second", Math.Round(s.Transfers / seconds, 0)),
                new("requests_per_second", Math.Round(requests / seconds, 0)),
                new("p50_ms", Math.Round(BenchOutput.Percentile(all, 0.50), 3)),
                new("p99_ms", Math.Round(BenchOutput.Percentile(all, 0.99), 3)),
                new("settled_payments", settled),
                new("rejected_items", submitted - settled),
                new("failed_requests", load.FailedRequests),
                new("cpu_us_per_request", cpuPerRequest),
                new("cpu_measured", server is null ? "this process: the load generator only" : "this process: load generator and node"),
                new("allocated_bytes_per_request", allocatedPerRequest),
                new("retained_bytes_per_payment", retainedPerPayment),
                new("gc_gen0", gc.Gen0),
                new("gc_gen1", gc.Gen1),
                new("gc_gen2", gc.Gen2),
                new("gc_pause_ms", Math.Round(gc.PauseMilliseconds, 1)),
                new("jit_ms_measured", Math.Round(jitMs, 0)),
                new("tracing", s.Tracing),
                new("transport", "http"),
                new("read_model", server is null ? "remote" : s.ReadModel),
                new("read_model_lag_batches_at_end", server?.ReadModel?.LagBatches ?? 0),
                new("machine", $"{Environment.ProcessorCount} cores shared by client and server"),
            ], json);
            return load.FailedRequests == 0 && settled == submitted ? 0 : 1;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            if (temp is not null && s.Dir is null) { try { Directory.Delete(temp, true); } catch (IOException) { } }
        }
    }

    /// <summary>The parties: a central bank, a funded payer bank and a payee bank in KES, the day open, the watch lists loaded.</summary>
    private sealed record World(ulong Payer, string PayerToken, string PayerBic, ulong Payee, string PayeeBic, DateOnly Day, string RunTag)
    {
        /// <summary>Wall time of the watch-list loads (both lists, each request until its answer).</summary>
        public double WatchListLoadMs { get; init; }

        private BodyTemplate? _json, _iso;
        private string? _uetrPrefix;

        /// <summary>The run's UETRs (UUID v4 form) are this prefix and the payment's number as 12 hex digits.</summary>
        public string UetrPrefix => _uetrPrefix ??= $"{(uint)RunTag.GetHashCode():x8}-5e1f-4c8e-9a6b-";

        /// <summary>The run's payment JSON template (made on first use; two threads may both make it, to the same effect).</summary>
        public BodyTemplate Json => _json ??= new BodyTemplate(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(Payment(this, "@@0@@", "@@1@@", "@@2@@"), CorridorJson.Options)));

        /// <summary>The run's pacs.008 transaction (<c>CdtTrfTxInf</c>) template, made on first use as <see cref="Json"/>.</summary>
        public BodyTemplate Iso => _iso ??= new BodyTemplate(IsoTransaction(this, "@@1@@", "@@2@@"));
    }

    private static async Task<World> SetUpAsync(CorridorClient op, long payments, int watchListEntries, CancellationToken c)
    {
        var rng = new Random();
        ulong centralBank = 9_000_000 + (ulong)rng.Next(1, 1_000_000), payer = centralBank + 1_000_000, payee = centralBank + 2_000_000;
        string tag = Letters(rng, 2);
        string payerBic = "PY" + tag + "KENX", payeeBic = "PE" + tag + "KENA";
        DateOnly day = DateOnly.FromDateTime(DateTime.UtcNow);
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(centralBank, "Central Bank of Kenya (bench)", "central-bank"), c)).Unwrap();
        string payerToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(payer, "Payer Bank (bench)", "direct", payerBic), c)).Unwrap().Token;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(payee, "Payee Bank (bench)", "direct", payeeBic), c)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Kes, centralBank, "0x4040", "0x4041", "KES"), c)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(payer, Kes, "0x4042"), c)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(payee, Kes, "0x4043"), c)).Unwrap();
        (await op.OpenDayAsync(day, c)).Unwrap();
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x7001", payer, Kes, payments * AmountMinor * 2 + 1_000_000, "inject"), c)).Unwrap();
        var loading = new Stopwatch();
        if (watchListEntries > 0)
        {
            // Synthetic designations (persons and companies, multi-script names), split over two lists so that each list's
            // text fits one journaled command; payments are screened against every list.
            var list = Corridor.Workloads.ScreeningBenchmark.GenerateWatchList(watchListEntries, 42);
            int half = (list.Entries.Length + 1) / 2;
            for (int part = 0; part < 2; part++)
            {
                var csv = new StringBuilder(Corridor.Core.Compliance.WatchListParser.CsvHeader).Append('\n');
                foreach (var e in list.Entries.Skip(part * half).Take(half))
                    csv.Append(e.Id).Append(',').Append(e.Kind == Corridor.Core.Compliance.WatchListEntryKind.Organisation ? "organisation" : "person").Append(',')
                       .Append(Quote(e.Names[0])).Append(',').Append(Quote(string.Join(';', e.Names.Skip(1)))).Append(",,,S\n");
                if (csv.Length > 1 + Corridor.Core.Compliance.WatchListParser.CsvHeader.Length)
                {
                    var request = new LoadWatchListRequest($"bench-{part + 1}", "csv", "1", csv.ToString());
                    loading.Start();
                    (await op.LoadWatchListAsync(request, c)).Unwrap();
                    loading.Stop();
                }
            }
        }
        return new World(payer, payerToken, payerBic, payee, payeeBic, day, tag) { WatchListLoadMs = loading.Elapsed.TotalMilliseconds };
    }

    private static string Quote(string field) => field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static string Letters(Random rng, int n)
    {
        var chars = new char[n];
        for (int i = 0; i < n; i++) chars[i] = (char)('A' + rng.Next(26));
        return new string(chars);
    }

    /// <summary>A JSON customer payment with full party data and trade reference; <paramref name="tagged"/> makes its references unique.</summary>
    private static SubmitPaymentRequest Payment(World w, string id, string tagged, string uetr) =>
        new(id, w.Payee, Kes, AmountMinor,
            Originator: new FxPartyDto(Name: "Nairobi Electronics Distributors Ltd", StreetName: "Mombasa Road", BuildingNumber: "214", PostCode: "00100", TownName: "Nairobi",
                Country: "KE", Account: "1180297734", IdScheme: "lei", Identifier: "5493001KJTIIGC8Y1R12"),
            Beneficiary: new FxPartyDto(Name: "Kisumu Components Manufacturing Co", StreetName: "Oginga Odinga Street", BuildingNumber: "17", TownName: "Kisumu",
                Country: "KE", Account: "0041203398001", IdScheme: "tax_id", Identifier: "KE-PIN-P051234567Z"),
            TradeReference: new FxTradeReferenceDto(InvoiceNumber: $"INV-{tagged}", InvoiceDate: w.Day.AddDays(-3), LetterOfCreditReference: $"LC-{tagged}",
                GoodsDescription: "Laptop motherboards, 400 units", HsCode: "847130", Incoterms: "FOB", IncotermsPlace: "Mombasa"),
            References: new PaymentReferencesDto($"MSG-{tagged}", $"INS-{tagged}", $"E2E-{tagged}", $"TX-{tagged}", uetr));

    /// <summary>
    /// A request body (a payment's JSON, a pacs.008 transaction's XML) made once with markers where a payment's id (<c>@@0@@</c>),
    /// tag (<c>@@1@@</c>) and UETR (<c>@@2@@</c>) go, and cut there: each payment is then the constant pieces and its own ASCII
    /// values, written as bytes, so the load generator (on the node's cores) spends little on making requests and leaves no garbage.
    /// </summary>
    private sealed class BodyTemplate
    {
        private readonly byte[][] _pieces; // piece i, then value _markers[i] (none after the last piece)
        private readonly int[] _markers;

        public BodyTemplate(string withMarkers)
        {
            string[] parts = System.Text.RegularExpressions.Regex.Split(withMarkers, "@@([012])@@");
            _pieces = parts.Where((_, i) => i % 2 == 0).Select(Encoding.UTF8.GetBytes).ToArray();
            _markers = parts.Where((_, i) => i % 2 == 1).Select(m => m[0] - '0').ToArray();
        }

        public void Write(Stream to, World w, long n)
        {
            // The three values formatted straight into bytes (ids, references and UETRs are ASCII, well under 96 characters each):
            // the generator makes no string per payment.
            Span<byte> values = stackalloc byte[3 * 96];
            Span<int> lengths = stackalloc int[3];
            bool fits = Utf8.TryWrite(values[..96], CultureInfo.InvariantCulture, $"0x5{n:x}", out lengths[0])
                & Utf8.TryWrite(values.Slice(96, 96), CultureInfo.InvariantCulture, $"{w.RunTag}-{n}", out lengths[1])
                & Utf8.TryWrite(values.Slice(192, 96), CultureInfo.InvariantCulture, $"{w.UetrPrefix}{n:x12}", out lengths[2]);
            if (!fits) throw new InvalidOperationException("a generated id, reference or UETR exceeds 96 bytes");
            for (int i = 0; i < _pieces.Length; i++)
            {
                to.Write(_pieces[i]);
                if (i < _markers.Length) to.Write(values.Slice(96 * _markers[i], lengths[_markers[i]]));
            }
        }
    }

    /// <summary>Payment <paramref name="n"/> of the run as a <c>POST /v1/payments</c> body, written into <paramref name="body"/> (the connection's, reused).</summary>
    private static ReadOnlyMemory<byte> JsonPayment(MemoryStream body, World w, long n)
    {
        body.SetLength(0);
        w.Json.Write(body, w, n);
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    /// <summary>A <c>POST /v1/payments/batch</c> body of payments <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1, in <paramref name="body"/>.</summary>
    private static ReadOnlyMemory<byte> JsonBatch(MemoryStream body, World w, long first, int count)
    {
        body.SetLength(0);
        body.Write("{\"payments\":["u8);
        for (long n = first; n < first + count; n++)
        {
            if (n > first) body.WriteByte((byte)',');
            w.Json.Write(body, w, n);
        }
        body.Write("]}"u8);
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    /// <summary>A pacs.008 of payments <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1, in <paramref name="body"/>.</summary>
    private static ReadOnlyMemory<byte> Pacs008(MemoryStream body, World w, long first, int count)
    {
        body.SetLength(0);
        body.Write(Encoding.UTF8.GetBytes(new StringBuilder()
            .Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"><FIToFICstmrCdtTrf>")
            .Append("<GrpHdr><MsgId>MSG-").Append(w.RunTag).Append('-').Append(first).Append("</MsgId><CreDtTm>")
            .Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append("</CreDtTm><NbOfTxs>").Append(count)
            .Append("</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf><InstgAgt><FinInstnId><BICFI>").Append(w.PayerBic)
            .Append("</BICFI></FinInstnId></InstgAgt><InstdAgt><FinInstnId><BICFI>").Append(w.PayeeBic).Append("</BICFI></FinInstnId></InstdAgt></GrpHdr>")
            .ToString()));
        for (long n = first; n < first + count; n++) w.Iso.Write(body, w, n);
        body.Write("</FIToFICstmrCdtTrf></Document>"u8);
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    /// <summary>One customer credit transfer of a pacs.008, with <paramref name="tag"/> where its references and <paramref name="uetr"/> where its UETR go.</summary>
    private static string IsoTransaction(World w, string tag, string uetr)
    {
        string date = w.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new StringBuilder()
            .Append("<CdtTrfTxInf><PmtId><InstrId>INS-").Append(tag).Append("</InstrId><EndToEndId>E2E-").Append(tag)
            .Append("</EndToEndId><TxId>TX-").Append(tag).Append("</TxId><UETR>").Append(uetr).Append("</UETR></PmtId>")
            .Append("<IntrBkSttlmAmt Ccy=\"KES\">1.00</IntrBkSttlmAmt><IntrBkSttlmDt>").Append(date).Append("</IntrBkSttlmDt><ChrgBr>DEBT</ChrgBr>")
            .Append("<Dbtr><Nm>Nairobi Electronics Distributors Ltd</Nm><PstlAdr><StrtNm>Mombasa Road</StrtNm><BldgNb>214</BldgNb><PstCd>00100</PstCd><TwnNm>Nairobi</TwnNm><Ctry>KE</Ctry></PstlAdr>")
            .Append("<Id><OrgId><LEI>5493001KJTIIGC8Y1R12</LEI></OrgId></Id></Dbtr><DbtrAcct><Id><Othr><Id>1180297734</Id></Othr></Id></DbtrAcct>")
            .Append("<DbtrAgt><FinInstnId><BICFI>").Append(w.PayerBic).Append("</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BICFI>").Append(w.PayeeBic).Append("</BICFI></FinInstnId></CdtrAgt>")
            .Append("<Cdtr><Nm>Kisumu Components Manufacturing Co</Nm><PstlAdr><StrtNm>Oginga Odinga Street</StrtNm><BldgNb>17</BldgNb><TwnNm>Kisumu</TwnNm><Ctry>KE</Ctry></PstlAdr></Cdtr>")
            .Append("<CdtrAcct><Id><Othr><Id>0041203398001</Id></Othr></Id></CdtrAcct><Purp><Cd>GDDS</Cd></Purp>")
            .Append("<RmtInf><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>INV-").Append(tag).Append("</Nb><RltdDt>")
            .Append(w.Day.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</RltdDt></RfrdDocInf>")
            .Append("<AddtlRmtInf>HS:847130;INCOTERMS:FOB</AddtlRmtInf><AddtlRmtInf>LC:LC-").Append(tag)
            .Append(";GOODS:Laptop motherboards, 400 units</AddtlRmtInf></Strd></RmtInf></CdtTrfTxInf>")
            .ToString();
    }

    /// <summary><c>Concurrency</c> workers on raw keep-alive connections, as the single-transfer mode.</summary>
    private sealed class Load(HttpBench.Settings s, Uri baseUrl, World world, int perRequest)
    {
        private readonly List<double>[] _latencies = Enumerable.Range(0, s.Concurrency).Select(_ => new List<double>()).ToArray();
        private long _failed;

        public long FailedRequests => _failed;

        public void Reset()
        {
            foreach (List<double> l in _latencies) l.Clear();
            _failed = 0;
        }

        public List<double> SortedLatencies()
        {
            var all = _latencies.SelectMany(l => l).ToList();
            all.Sort();
            return all;
        }

        /// <summary>Sends payments <paramref name="first"/> … <paramref name="first"/> + <paramref name="payments"/> − 1; returns the requests sent.</summary>
        public async Task<long> RunAsync(long first, long payments, CancellationToken cancel, int concurrency = 0)
        {
            int connections = concurrency > 0 ? concurrency : s.Concurrency;
            long requestsTotal = (payments + perRequest - 1) / perRequest;
            long next = 0;
            long startTicks = Stopwatch.GetTimestamp();
            bool iso = s.Mode == "iso";
            var workers = new Task[connections];
            for (int w = 0; w < connections; w++)
            {
                int worker = w;
                workers[w] = Task.Run(async () =>
                {
                    await using RawHttpConnection raw = await RawHttpConnection.ConnectAsync(baseUrl, iso ? "/v1/iso20022" : perRequest > 1 ? "/v1/payments/batch" : "/v1/payments", world.PayerToken, null, cancel,
                        iso ? "application/xml" : "application/json");
                    var buffer = new MemoryStream(1024 + perRequest * (iso ? 1600 : 1200)); // the load generator's own cost is not the node's: one body buffer per connection
                    while (true)
                    {
                        long r = Interlocked.Increment(ref next) - 1;
                        if (r >= requestsTotal) break;
                        long from = first + r * perRequest;
                        int n = (int)Math.Min(perRequest, first + payments - from);
                        ReadOnlyMemory<byte> body = iso ? Pacs008(buffer, world, from, n) : perRequest > 1 ? JsonBatch(buffer, world, from, n) : JsonPayment(buffer, world, from);
                        if (s.Rate > 0)
                        {
                            long due = startTicks + (long)(r * Stopwatch.Frequency / s.Rate);
                            long wait = due - Stopwatch.GetTimestamp();
                            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancel);
                        }
                        long t0 = Stopwatch.GetTimestamp();
                        while (true)
                        {
                            int status = await raw.PostAsync(body, cancel);
                            if (status == 503) { await Task.Delay(5, cancel); continue; }
                            if (status is not (200 or 201)) Interlocked.Increment(ref _failed);
                            break;
                        }
                        _latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }, cancel);
            }
            await Task.WhenAll(workers);
            return requestsTotal;
        }
    }
}
