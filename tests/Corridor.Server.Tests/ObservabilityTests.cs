using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using System.Diagnostics;
using System.Net.Http.Json;
using Corridor.Client;
using Corridor.Storage.Node;

namespace Corridor.Server.Tests;

/// <summary>
/// Spans of a command's path through the node: submit (child of the caller's span), journal append and engine apply linked to
/// it; and the Grafana dashboard reads only metrics the node exports.
/// </summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task Every_metric_the_Grafana_dashboard_reads_is_exported_at_metrics()
    {
        string dashboard = File.ReadAllText(Path.Combine(TestNode.RepositoryRoot(), "deploy", "grafana", "corridor-node.json"));
        string[] names = System.Text.RegularExpressions.Regex.Matches(dashboard, @"\b(corridor|http_server|kestrel|dotnet)_[a-z_]+")
            .Select(m => System.Text.RegularExpressions.Regex.Replace(m.Value, "_(bucket|sum|count)$", "")).Distinct().ToArray();
        Assert.True(names.Length >= 15, $"only {names.Length} metric names found in the dashboard");
        await using TestNode node = await TestNode.StartAsync();
        (await node.AliceClient.CreateTransferAsync(new CreateTransferRequest("0x7801", TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1), TestContext.Current.CancellationToken)).Unwrap();
        var (_, metrics, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        string[] missing = names.Where(n => !metrics.Contains("\n" + n, StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "dashboard metrics not exported: " + string.Join(", ", missing));
    }

    private static readonly ActivitySource Caller = new("Corridor.Tests.Caller");

    [Fact]
    public async Task A_payment_leaves_submit_journal_and_engine_spans_tied_to_the_callers_trace()
    {
        await using TestNode node = await TestNode.StartAsync();
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is NodeTracing.SourceName or "Corridor.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        ActivityTraceId trace;
        using (Activity request = Caller.StartActivity("test request")!)
        {
            trace = request.TraceId;
            // The same call an endpoint makes, from inside the caller's span.
            var transfer = new CreateTransferRequest("0x7701", TestNode.BookSource, TestNode.AliceBook, 5, TestNode.Book, 1);
            (await node.Operator.CreateTransferAsync(transfer, TestContext.Current.CancellationToken)).Unwrap();
            Corridor.Core.Engine.CommandReply reply = await node.Server.Node.SubmitAsync(Corridor.Core.Engine.Operation.RunLsm, 1,
                Corridor.Core.Settlement.SettlementCodec.EncodePayload<Corridor.Core.Settlement.RunLsm>([new Corridor.Core.Settlement.RunLsm(0)]), waitWhenFull: true, TestContext.Current.CancellationToken);
            Assert.True(reply.Batch > 0);
            Assert.Same(request, Activity.Current); // the submit span never becomes the caller's current activity
        }

        Activity submit = Assert.Single(spans, s => s.OperationName == "corridor.submit" && s.TraceId == trace);
        Assert.Equal("RunLsm", submit.GetTagItem("corridor.operation"));
        long batch = (long)submit.GetTagItem("corridor.batch")!;
        foreach (string name in new[] { "corridor.journal.append", "corridor.engine.apply" })
        {
            Activity span = Assert.Single(spans, s => s.OperationName == name && s.Links.Any(l => l.Context.SpanId == submit.SpanId));
            Assert.Equal(batch, span.GetTagItem("corridor.batch"));
            Assert.Null(span.Parent); // a root, linked to the commands it carries
            Assert.Equal(default, span.ParentSpanId);
        }
    }

    [Fact]
    public async Task Batch_spans_stay_roots_after_earlier_traced_requests_ended()
    {
        // The engine thread ends each submit span; ending it must not leave the (finished) caller's activity current there, or the
        // next batch's spans would become children of an unrelated request and Activity would throw (and swallow) on every batch.
        await using TestNode node = await TestNode.StartAsync();
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is NodeTracing.SourceName or "Corridor.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        int notRunning = 0;
        void Count(object? _, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is InvalidOperationException && e.Exception.StackTrace?.Contains("System.Diagnostics.Activity") == true) Interlocked.Increment(ref notRunning);
        }
        AppDomain.CurrentDomain.FirstChanceException += Count;
        var traces = new List<ActivityTraceId>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                using Activity request = Caller.StartActivity("test request")!;
                traces.Add(request.TraceId);
                Corridor.Core.Engine.CommandReply reply = await node.Server.Node.SubmitAsync(Corridor.Core.Engine.Operation.RunLsm, 1,
                    Corridor.Core.Settlement.SettlementCodec.EncodePayload<Corridor.Core.Settlement.RunLsm>([new Corridor.Core.Settlement.RunLsm(0)]), waitWhenFull: true, TestContext.Current.CancellationToken);
                Assert.True(reply.Batch > 0);
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        foreach (ActivityTraceId trace in traces)
        {
            Activity submit = Assert.Single(spans, s => s.OperationName == "corridor.submit" && s.TraceId == trace);
            foreach (string name in new[] { "corridor.journal.append", "corridor.engine.apply" })
            {
                Activity span = Assert.Single(spans, s => s.OperationName == name && s.Links.Any(l => l.Context.SpanId == submit.SpanId));
                Assert.Equal(default, span.ParentSpanId);
                Assert.DoesNotContain(span.TraceId, traces);
            }
        }
        Assert.Equal(0, notRunning);
    }

    [Fact]
    public async Task A_snapshot_is_counted_with_the_engines_capture_pause_and_its_write_time()
    {
        await using TestNode node = await TestNode.StartAsync();
        var (_, before, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        double taken = TestNode.Metric(before, "corridor_snapshots_total");
        await node.Server.Node.SnapshotAsync();
        string after = before;
        // The exporter answers a scrape from its cache for a moment: scrape until the snapshot shows.
        for (int i = 0; i < 50 && TestNode.Metric(after, "corridor_snapshots_total") == taken; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            (_, after, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        }
        Assert.Equal(taken + 1, TestNode.Metric(after, "corridor_snapshots_total"));
        double capture = TestNode.Metric(after, "corridor_snapshot_capture_seconds"), write = TestNode.Metric(after, "corridor_snapshot_write_seconds");
        Assert.True(capture > 0 && write > 0, $"capture {capture} s, write {write} s");
        // Its size, and whether it was a delta: a small state's delta would hold every item (no list fills a chunk), so it is full.
        Assert.True(TestNode.Metric(after, "corridor_snapshot_bytes") > 1_000, after);
        Assert.Equal(0, TestNode.Metric(after, "corridor_snapshots_delta_total"));
    }

    [Fact]
    public async Task Fresh_pages_faulted_in_ahead_of_the_engine_are_counted()
    {
        Assert.SkipUnless(Corridor.Core.Engine.FreshPages.Active, "populating ahead is Linux 5.14+ and on unless CORRIDOR_FRESH_PAGES=off");
        await using TestNode node = await TestNode.StartAsync();
        var (_, before, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        double populated = TestNode.Metric(before, "corridor_memory_fresh_pages_bytes_total");
        // 40,950 transfers: past half of the ledger's first full chunk of transfers, so its second is allocated and faulted in ahead.
        for (int b = 0; b < 5; b++)
        {
            var batch = Enumerable.Range(0, 8_190).Select(i => new CreateTransferRequest("0x" + (0x700000 + b * 8_190 + i).ToString("x"), TestNode.AliceBook, TestNode.BobBook, 1, TestNode.Book, 1)).ToArray();
            (await node.AliceClient.CreateTransfersAsync(batch, TestContext.Current.CancellationToken)).Unwrap();
        }
        string after = before;
        for (int i = 0; i < 100 && TestNode.Metric(after, "corridor_memory_fresh_pages_bytes_total") < populated + (1 << 20); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            (_, after, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        }
        Assert.True(TestNode.Metric(after, "corridor_memory_fresh_pages_bytes_total") >= populated + (1 << 20), after);
    }

    [Fact]
    public async Task Two_servers_in_one_process_each_export_only_their_own_metrics()
    {
        await using TestNode world = await TestNode.StartAsync();
        await using TestNode bare = await TestNode.StartAsync(world: false);
        var (_, worldMetrics, _) = await TestNode.Send(world.Anonymous, HttpMethod.Get, "/metrics", null);
        var (_, bareMetrics, _) = await TestNode.Send(bare.Anonymous, HttpMethod.Get, "/metrics", null);
        // TestNode.Metric insists on exactly one sample: a second server's instruments of the same name would make two.
        Assert.Equal(2, TestNode.Metric(worldMetrics, "corridor_engine_events_total", ("operation", "CreateTransfers")));
        Assert.Equal(0, TestNode.Metric(bareMetrics, "corridor_engine_events_total", ("operation", "CreateTransfers")));
        Assert.Equal(2, TestNode.Metric(worldMetrics, "http_server_request_duration_seconds_count", ("http_route", "/v1/transfers"), ("http_response_status_code", "201")));
        Assert.DoesNotContain("http_route=\"/v1/transfers\"", bareMetrics);
        Assert.Equal(1, TestNode.Metric(bareMetrics, "corridor_ready"));
        Assert.Contains("dotnet_gc_collections_total", bareMetrics); // process-wide instruments stay
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_the_spans_of_a_request_reach_the_collector()
    {
        var (all, port) = await TracedRequests(sampleRatio: 1, traceparent: null);
        foreach (string span in new[] { "POST /v1/participants", "corridor.submit", "corridor.journal.append", "corridor.engine.apply" })
            Assert.Contains(span, all);
        // ASP.NET Core's server span, with the HTTP tags, is the parent of the command's submit span. (Activity listeners are
        // process-wide: at ratio 1 this server's exporter also records the requests of servers other tests run meanwhile in this
        // process, so its own request is the one to its own port.)
        List<OtlpSpan> spans = OtlpSpan.Decode(all);
        OtlpSpan http = Assert.Single(spans, s => s.Name == "POST /v1/participants" && s.Attributes.GetValueOrDefault("server.port") == port);
        Assert.Equal("POST", http.Attributes["http.request.method"]);
        Assert.Equal("/v1/participants", http.Attributes["http.route"]);
        Assert.Equal("201", http.Attributes["http.response.status_code"]);
        Assert.Equal("", http.ParentSpanId);
        Assert.Contains(spans, s => s.Name == "corridor.submit" && s.ParentSpanId == http.SpanId && s.TraceId == http.TraceId);
    }

    [Fact]
    public async Task Sampled_out_requests_leave_no_spans_and_a_sampled_caller_is_always_traced()
    {
        // Ratio 0: nothing of the node's own choosing is traced…
        string none = (await TracedRequests(sampleRatio: 0, traceparent: null)).Bodies;
        foreach (string span in new[] { "POST /v1/participants", "corridor.submit", "corridor.journal.append", "corridor.engine.apply" })
            Assert.DoesNotContain(span, none);
        // …but a caller that sampled its trace (W3C traceparent, flags 01) is followed through the node, under its trace id.
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        string followed = (await TracedRequests(sampleRatio: 0, traceparent: $"00-{traceId}-00f067aa0ba902b7-01")).Bodies;
        foreach (string span in new[] { "POST /v1/participants", "corridor.submit", "corridor.journal.append", "corridor.engine.apply" })
            Assert.Contains(span, followed);
        Assert.Contains(Convert.ToHexString(Convert.FromHexString(traceId)), Convert.ToHexString(System.Text.Encoding.Latin1.GetBytes(followed)));
        // The HTTP span continues the caller's span; the submit span is its child.
        List<OtlpSpan> spans = OtlpSpan.Decode(followed);
        OtlpSpan http = Assert.Single(spans, s => s.Name == "POST /v1/participants");
        Assert.Equal((traceId, "00f067aa0ba902b7"), (http.TraceId, http.ParentSpanId));
        Assert.Contains(spans, s => s.Name == "corridor.submit" && s.ParentSpanId == http.SpanId && s.TraceId == traceId);
    }

    /// <summary>
    /// A span as OTLP/HTTP carries it (ExportTraceServiceRequest, protobuf): name, hex ids and attributes as text. Reads the
    /// protobuf wire format directly: resource_spans (1) → scope_spans (2) → spans (2) → trace_id (1), span_id (2),
    /// parent_span_id (4), name (5), attributes (9: key 1, value 2 → string 1, bool 2, int 3, double 4).
    /// </summary>
    private sealed record OtlpSpan(string Name, string TraceId, string SpanId, string ParentSpanId, Dictionary<string, string> Attributes)
    {
        /// <summary>The spans of export requests; <paramref name="bodies"/> are the request bodies, each as one Latin-1 string.</summary>
        public static List<OtlpSpan> Decode(string bodies)
        {
            // TracedRequests concatenates the bodies: decode them one request after another.
            byte[] all = System.Text.Encoding.Latin1.GetBytes(bodies);
            var spans = new List<OtlpSpan>();
            foreach (var (field, _, resource) in Fields(all))
                if (field == 1)
                    foreach (var (f2, _, scope) in Fields(resource)) if (f2 == 2)
                        foreach (var (f3, _, span) in Fields(scope)) if (f3 == 2) spans.Add(Span(span));
            return spans;
        }

        private static OtlpSpan Span(ReadOnlyMemory<byte> span)
        {
            string name = "", trace = "", id = "", parent = "";
            var attributes = new Dictionary<string, string>();
            foreach (var (field, value, bytes) in Fields(span))
                switch (field)
                {
                    case 1: trace = Convert.ToHexStringLower(bytes.Span); break;
                    case 2: id = Convert.ToHexStringLower(bytes.Span); break;
                    case 4: parent = Convert.ToHexStringLower(bytes.Span); break;
                    case 5: name = System.Text.Encoding.UTF8.GetString(bytes.Span); break;
                    case 9:
                        string key = "", text = "";
                        foreach (var (f, _, b) in Fields(bytes))
                            if (f == 1) key = System.Text.Encoding.UTF8.GetString(b.Span);
                            else if (f == 2)
                                foreach (var (vf, v, vb) in Fields(b))
                                    text = vf switch
                                    {
                                        1 => System.Text.Encoding.UTF8.GetString(vb.Span),
                                        2 => (v != 0).ToString(),
                                        3 => ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                        4 => BitConverter.Int64BitsToDouble((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                        _ => text,
                                    };
                        attributes[key] = text;
                        break;
                }
            return new OtlpSpan(name, trace, id, parent, attributes);
        }

        /// <summary>The fields of one protobuf message: number, value (varint or fixed) and bytes (length-delimited).</summary>
        private static List<(int Field, ulong Value, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
        {
            var fields = new List<(int, ulong, ReadOnlyMemory<byte>)>();
            ReadOnlySpan<byte> m = message.Span;
            int at = 0;
            ulong Varint(ReadOnlySpan<byte> m)
            {
                ulong v = 0;
                for (int shift = 0; ; shift += 7)
                {
                    byte b = m[at++];
                    v |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80) return v;
                }
            }
            while (at < m.Length)
            {
                ulong tag = Varint(m);
                int field = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0: fields.Add((field, Varint(m), default)); break;
                    case 1: fields.Add((field, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(m[at..]), default)); at += 8; break;
                    case 5: fields.Add((field, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(m[at..]), default)); at += 4; break;
                    case 2:
                        int length = (int)Varint(m);
                        fields.Add((field, 0, message.Slice(at, length)));
                        at += length;
                        break;
                    default: throw new InvalidDataException($"protobuf wire type {tag & 7} at {at}");
                }
            }
            return fields;
        }
    }

    /// <summary>Starts a node exporting to a stand-in collector, registers a participant (with <paramref name="traceparent"/> when given), stops it: what the collector got.</summary>
    /// <summary>What a collector received while a server traced one request (the export bodies, concatenated), and that server's port.</summary>
    private static async Task<(string Bodies, string Port)> TracedRequests(double sampleRatio, string? traceparent)
    {
        // A stand-in collector: records what is POSTed to /v1/traces (OTLP over HTTP/protobuf).
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication collector = collectorBuilder.Build();
        collector.MapPost("/v1/traces", async (HttpContext c) =>
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body);
            received.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync(TestContext.Current.CancellationToken);

        string dir = Directory.CreateTempSubdirectory("corridor-server-test-").FullName;
        string port = "";
        try
        {
            await using (CorridorServer server = await CorridorServer.StartAsync(new ServerOptions
            {
                DataPath = dir, Urls = ["http://127.0.0.1:0"], MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
                OtlpEndpoint = new Uri(collector.Urls.First() + "/v1/traces"), OtlpProtocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf,
                TraceSampleRatio = sampleRatio,
            }, TestContext.Current.CancellationToken))
            {
                using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
                port = new Uri(server.Addresses[0]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/participants")
                {
                    Content = JsonContent.Create(new RegisterParticipantRequest(7, "Bank", "direct"), options: Corridor.Client.CorridorJson.Options),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.NewOperatorToken);
                if (traceparent is not null) request.Headers.Add("traceparent", traceparent);
                using HttpResponseMessage response = await http.SendAsync(request, TestContext.Current.CancellationToken);
                Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            } // stopping the server flushes the exporter
            return (string.Concat(received.Select(b => System.Text.Encoding.Latin1.GetString(b))), port);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
