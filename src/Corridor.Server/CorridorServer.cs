using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Corridor.Server.Auth;
using Corridor.Server.Endpoints;
using Corridor.Server.Http;
using Corridor.Server.Observability;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Corridor.Server;

/// <summary>Where and how a server runs.</summary>
public sealed class ServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:7420";

    /// <summary>Data directory: journal/, snapshots/, secrets/.</summary>
    public string DataPath { get; init; } = "./data";
    public string[] Urls { get; init; } = [DefaultUrl];
    public NodeOptions Node { get; init; } = new();

    /// <summary>Opens the journal (e.g. PostgreSQL); null: the file journal in <c>&lt;data&gt;/journal</c>.</summary>
    public Func<IJournal>? OpenJournal { get; init; }

    /// <summary>
    /// Start as a standby (docs/high-availability.md): follow the PostgreSQL journal another node writes and become active
    /// when its lease lapses. Called with the snapshot store; null: open the journal (<see cref="OpenJournal"/>) and serve at once.
    /// </summary>
    public Func<SnapshotStore, Corridor.Storage.Postgres.PostgresStandby>? OpenStandby { get; init; }

    /// <summary>Where snapshots live; null: <c>&lt;data&gt;/snapshots</c>.</summary>
    public string? SnapshotsPath { get; init; }
    /// <summary>Console log format: "json" (structured) or "simple".</summary>
    public string LogFormat { get; init; } = "json";
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Read model fed by the in-process projector: "sqlite" (<c>&lt;data&gt;/readmodel.db</c>), "postgres" or "none".</summary>
    public string ReadModel { get; init; } = global::Corridor.Server.ReadModel.ReadModelKinds.Sqlite;
    /// <summary>Npgsql connection string of the PostgreSQL read model.</summary>
    public string? ReadModelConnection { get; init; }
    /// <summary>SQLite file of the read model; null: <c>&lt;data&gt;/readmodel.db</c>.</summary>
    public string? ReadModelPath { get; init; }

    /// <summary>The peer endpoint and outbox (docs/federation.md); null: this node talks to no peer.</summary>
    public Federation.PeerLinkOptions? Peers { get; init; }
    /// <summary>
    /// HTTPS material for the <c>https://</c> addresses of <see cref="Urls"/> (null: plain HTTP only). With client CAs the node
    /// asks each TLS client for a certificate and authenticates requests without a bearer token by its binding (mutual TLS).
    /// </summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>
    /// OTLP endpoint (e.g. http://collector:4317) that receives traces of each command's path (HTTP → sequencer → journal →
    /// engine → reply). Null: no tracing at all (no listener, no per-request activity).
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP transport: gRPC (default, port 4317) or HTTP/protobuf (the endpoint then names the path, e.g. http://collector:4318/v1/traces).</summary>
    public OpenTelemetry.Exporter.OtlpExportProtocol OtlpProtocol { get; init; } = OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;

    /// <summary>The default share of requests traced when tracing is on (one in a hundred).</summary>
    public const double DefaultTraceSampleRatio = 0.01;

    /// <summary>
    /// Share of requests (0…1) whose traces are recorded and exported when <see cref="OtlpEndpoint"/> is set, decided by trace id
    /// at the first span of a trace; a request carrying a W3C <c>traceparent</c> follows its caller's decision (a sampled
    /// caller is always traced, so one payment can be followed end to end on demand). 1 traces every request.
    /// </summary>
    public double TraceSampleRatio { get; init; } = DefaultTraceSampleRatio;
}

/// <summary>
/// The Corridor HTTP server hosting one node: Kestrel first (so /health/live answers during recovery),
/// then recovery of the node, then /health/ready and the API.
/// </summary>
public sealed class CorridorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NodeGateway _gateway;
    private readonly Events.EventHub _events;
    private readonly string _dataPath;
    private Node? _node;
    private Federation.PeerEndpoint? _peerEndpoint;
    private DayScheduleTicker? _ticker;
    private readonly CancellationTokenSource _stopFollowing = new();
    private Task _activation = Task.CompletedTask;

    private CorridorServer(WebApplication app, NodeGateway gateway, Events.EventHub events, string dataPath, string? newOperatorToken)
    {
        _app = app;
        _gateway = gateway;
        _events = events;
        _dataPath = dataPath;
        NewOperatorToken = newOperatorToken;
    }

    /// <summary>Set only on the first start of a data directory: the operator token just created (print it once).</summary>
    public string? NewOperatorToken { get; }

    /// <summary>The addresses Kestrel listens on (real ports when 0 was asked).</summary>
    public IReadOnlyList<string> Addresses => _app.Urls.ToArray();

    public Node Node => _node ?? throw new InvalidOperationException("node not started");
    public RecoveryInfo Recovery => Node.Recovery;

    /// <summary>The standby's follower while this server is (or was) a standby; null when it started active.</summary>
    public Corridor.Storage.Postgres.PostgresStandby? Standby => _gateway.Standby;

    /// <summary>Completes when the node serves (at once when started active; at take-over for a standby); faults if activation failed.</summary>
    public Task Activation => _activation;

    /// <summary>
    /// Starts Kestrel, recovers the node from the data directory and serves until disposed. An active node recovers while
    /// the web host is built and Kestrel starts (a second of mostly compiling on these cores; a large node's recovery is
    /// mostly reading its snapshot), so /health/ready answers that much sooner; it says 503 until the node has recovered.
    /// </summary>
    public static async Task<CorridorServer> StartAsync(ServerOptions options, CancellationToken cancel = default)
    {
        string data = Path.GetFullPath(options.DataPath);
        Directory.CreateDirectory(data);
        ApiTokens tokens = SecretsDirectory.OpenOrCreate(data, out string? operatorToken);
        var gateway = new NodeGateway(tokens) { Messages = Messages.MessageArchive.Open(Path.Combine(data, "messages.db")) };
        var events = new Events.EventHub(gateway);
        string snapshots = options.SnapshotsPath ?? Path.Combine(data, "snapshots");
        Directory.CreateDirectory(snapshots);
        var snapshotStore = new SnapshotStore(snapshots);
        Task<Node>? recovering = options.OpenStandby is null
            ? Task.Factory.StartNew(() => OpenAndStartNode(options, data, snapshotStore), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : null;
        CorridorServer server;
        try
        {
            WebApplication app = Build(options, gateway, events);
            server = new CorridorServer(app, gateway, events, data, operatorToken);
            await app.StartAsync(cancel);
        }
        catch
        {
            // The node started meanwhile (or failed to: the host's failure is the one reported) stops with its journal.
            if (recovering is not null)
            {
                try { (await recovering).Dispose(); }
                catch (Exception) when (!recovering.IsCompletedSuccessfully) { }
            }
            throw;
        }
        try
        {
            if (options.OpenStandby is { } openStandby)
            {
                // Kestrel answers already: /health/ready says "standby" and names the active node until the take-over.
                Corridor.Storage.Postgres.PostgresStandby standby = openStandby(snapshotStore);
                gateway.Standby = standby;
                server._activation = server.FollowThenActivateAsync(standby, options, snapshots, cancel);
                return server;
            }
            await server.ActivateAsync(await recovering!, options, snapshots, cancel);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Opens the journal (the file journal in the data directory unless the options open another) while the newest snapshot is restored, and starts the node on both.</summary>
    private static Node OpenAndStartNode(ServerOptions options, string data, SnapshotStore snapshotStore) =>
        Node.Start(options.Node, () =>
        {
            if (options.OpenJournal is { } open) return open();
            Directory.CreateDirectory(Path.Combine(data, "journal"));
            // Recovery reads the journal once: headers, CRCs and the hash chain are checked at open, bodies as the
            // replay after the snapshot reads them (never an unverified batch applied). `corridor journal verify`
            // and `corridor audit verify` hash every body of the whole history.
            return FileJournal.Open(Path.Combine(data, "journal"), new FileJournalOptions { VerifyBodiesOnOpen = false });
        }, snapshotStore);

    /// <summary>Lines of <c>/health/ready</c> naming what recovery skipped or repaired (the node is ready: it recovered the acknowledged history).</summary>
    private static string RecoveryDetails(NodeGateway gw)
    {
        if (gw.NodeOrNull is not { } node) return "";
        var text = new System.Text.StringBuilder();
        foreach (string finding in node.Recovery.Findings()) text.Append("recovery: ").Append(finding).Append('\n');
        return text.ToString();
    }

    /// <summary>A standby: follows the journal on a thread of its own until it takes the lease, then serves.</summary>
    private async Task FollowThenActivateAsync(Corridor.Storage.Postgres.PostgresStandby standby, ServerOptions options, string snapshots, CancellationToken cancel)
    {
        Node node = await Task.Factory.StartNew(() => standby.RunUntilActive(_stopFollowing.Token), _stopFollowing.Token,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await ActivateAsync(node, options, snapshots, cancel);
    }

    /// <summary>The node serves: the API, the schedule ticker, the read model and the peer endpoint start on it.</summary>
    private async Task ActivateAsync(Node node, ServerOptions options, string snapshots, CancellationToken cancel)
    {
        _node = node;
        NodeGateway gateway = _gateway;
        foreach (string finding in node.Recovery.Findings()) gateway.Log.LogWarning("recovery: {Finding}", finding);
        gateway.Clock = options.Node.Clock;
        if (gateway.Meter is { } meter) node.Metrics.Instrument(meter);
        await gateway.AttachAsync(node);
        _ticker = new DayScheduleTicker(node, options.Node.Clock);
        if (options.ReadModel != global::Corridor.Server.ReadModel.ReadModelKinds.None)
            gateway.ReadModel = global::Corridor.Server.ReadModel.ReadModelHost.Start(options.ReadModel, options.ReadModelPath ?? Path.Combine(_dataPath, "readmodel.db"),
                options.ReadModelConnection, node, snapshots);
        if (gateway.ReadModel is { } readModel) readModel.Projected = _events.OnProjected;
        if (options.Peers is { } peers)
            _peerEndpoint = await Federation.PeerEndpoint.StartAsync(peers, gateway, gateway.Links, options.LogFormat, options.MinimumLogLevel, cancel);
    }

    private static WebApplication Build(ServerOptions options, NodeGateway gw, Events.EventHub events)
    {
        // Content root = the binaries, and no configuration reload: the default (current directory, watched
        // recursively) set an inotify watch over ./data, so every journal write woke a file-watcher thread.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Corridor.Server",
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(options.Urls);
        if (options.Tls is not null) builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (options.Tls is { } tls)
                k.ConfigureHttpsDefaults(https =>
                {
                    https.ServerCertificate = tls.ServerCertificate;
                    // Asked for, not required: a TLS client may still authenticate with a bearer token. The chain is judged per
                    // request by the certificate handler (a clear 401 problem), not by failing the handshake.
                    https.ClientCertificateMode = tls.ClientCas.Count > 0 ? ClientCertificateMode.AllowCertificate : ClientCertificateMode.NoCertificate;
                    https.ClientCertificateValidation = (_, _, _) => true;
                });
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RequestBody.MaxBatchBytes;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxConcurrentConnections = 10_000;
        });
        builder.Logging.ClearProviders();
        if (options.LogFormat == "json") builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        // Hosting starts an Activity per request whenever its logger is on at any level (for log scopes); its
        // own messages are Information/Debug request traces, so above Information it is switched off entirely.
        if (options.MinimumLogLevel > LogLevel.Information)
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // At Information the node's own lines (a payment, its outcome and batch) are wanted, not ASP.NET Core's per-request chatter.
        else if (options.MinimumLogLevel == LogLevel.Information)
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // One JSON contract: minimal APIs and the OpenAPI generator read these options; the endpoints bind with CorridorJson.Options.
        builder.Services.ConfigureHttpJsonOptions(o => Corridor.Client.CorridorJson.Apply(o.SerializerOptions));
        builder.Services.AddOpenApi("v1", OpenApiContract.Configure);
        builder.Services.AddRoutingCore();
        IMeterFactory? ownMeters = null;
        OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("corridor"))
            .WithMetrics(m => m.AddMeter(NodeInstruments.MeterName).AddAspNetCoreInstrumentation().AddMeter("System.Runtime").AddPrometheusExporter()
                // Meters are listened to by name process-wide: a second server in the process (tests, tools) has meters of the same
                // names. Only this app's (its IMeterFactory's, set below before the provider starts) and process-wide ones (the
                // runtime's, no scope) are exported here.
                .AddView(i => i.Meter.Scope is null || ReferenceEquals(i.Meter.Scope, ownMeters) ? null : MetricStreamConfiguration.Drop));
        if (options.OtlpEndpoint is { } otlp)
        {
            if (options.TraceSampleRatio is not (>= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(options), $"TraceSampleRatio {options.TraceSampleRatio} is outside 0…1");
            telemetry.WithTracing(t => t.SetSampler(new NodeSampler(options.TraceSampleRatio))
                .AddSource(NodeTracing.SourceName).AddAspNetCoreInstrumentation().AddOtlpExporter(o => { o.Endpoint = otlp; o.Protocol = options.OtlpProtocol; }));
        }
        bool clientCertificates = options.Tls is { ClientCas.Count: > 0 };
        if (clientCertificates) ClientCertificateAuthentication.AddTo(builder.Services, options.Tls!.ClientCas);
        // Accepts<T> metadata documents request bodies in OpenAPI; content-type checks are the endpoints' own
        // (415 request.unsupported_media_type), so routing must not turn a wrong content type into a 404.
        for (int i = builder.Services.Count - 1; i >= 0; i--)
            if (builder.Services[i].ImplementationType?.Name == "AcceptsMatcherPolicy") builder.Services.RemoveAt(i);

        WebApplication app = builder.Build();
        gw.Links = new Federation.PeerLinks { Enabled = options.Peers is not null };
        ownMeters = app.Services.GetRequiredService<IMeterFactory>();
        NodeInstruments.Create(gw.Meter = ownMeters.Create(NodeInstruments.MeterName), gw);
        ILogger log = app.Logger;
        gw.Log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Corridor.Server");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (ApiException e)
            {
                if (e.Code is "node.standby" or "node.not_active" && gw.ActiveAddress() is string active && !context.Response.HasStarted)
                    context.Response.Headers["Corridor-Active-Node"] = active;
                if (!context.Response.HasStarted) await Problems.WriteAsync(context, e);
            }
            catch (NodeBusyException e)
            {
                if (!context.Response.HasStarted)
                {
                    context.Response.Headers.RetryAfter = "1";
                    await Problems.WriteAsync(context, 503, "node.busy", e.Message);
                }
            }
            catch (NodeStoppedException e) when (e.InnerException is Corridor.Storage.Postgres.JournalFencedException)
            {
                if (!context.Response.HasStarted)
                {
                    if (gw.ActiveAddress() is string active) context.Response.Headers["Corridor-Active-Node"] = active;
                    await Problems.WriteAsync(context, 503, "node.not_active", "this node stepped down: another node took over the journal's lease" + (gw.ActiveAddress() is string a ? $"; the active node is {a}" : ""));
                }
            }
            catch (NodeStoppedException e)
            {
                log.LogCritical(e, "node stopped");
                if (!context.Response.HasStarted) await Problems.WriteAsync(context, 503, "node.stopped", "the node has stopped");
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == 413)
            {
                if (!context.Response.HasStarted) await Problems.WriteAsync(context, 413, "request.body_too_large", e.Message);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
            {
                if (!context.Response.HasStarted) await Problems.WriteAsync(context, e.StatusCode, "request.bad_request", e.Message);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                log.LogError(e, "unhandled error on {Path}", context.Request.Path.Value);
                if (!context.Response.HasStarted) await Problems.WriteAsync(context, 500, "internal", "internal error; see the server log");
            }
        });
        if (clientCertificates)
            app.Use(async (context, next) =>
            {
                // Only requests without a bearer token are judged by their certificate: a token, when sent, decides.
                if (context.Request.Headers.Authorization.Count == 0 && context.Connection.ClientCertificate is { } certificate)
                    context.Features.Set(await ClientCertificateAuthentication.JudgeAsync(context, certificate));
                await next(context);
            });
        app.UseRouting();

        app.MapGet("/health/live", () => Results.Text("live\n")).WithTags("health");
        app.MapGet("/health/ready", (HttpContext context) =>
        {
            if (gw.Ready) return Results.Text("ready\n" + gw.RoleDetails() + RecoveryDetails(gw) + ReadModelEndpoints.HealthDetails(gw) + gw.Links.HealthDetails());
            // Not serving: a standby, a node that stepped down, or one still recovering. The active node's address (from the
            // journal's lease) is in the body and in a header, for clients and load balancers to go there.
            if (gw.ActiveAddress() is string active) context.Response.Headers["Corridor-Active-Node"] = active;
            return Results.Text(gw.NotReadyDetails(), statusCode: 503);
        }).WithTags("health");
        // OpenTelemetry's Prometheus exporter: ASP.NET Core (http.server.*), Kestrel, runtime and the node's own instruments.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata(["GET"])).WithTags("health");
        app.MapOpenApi("/openapi/{documentName}.json");
        LedgerEndpoints.Map(app, gw);
        SettlementEndpoints.Map(app, gw);
        Iso20022Endpoints.Map(app, gw);
        ExchangeEndpoints.Map(app, gw);
        ComplianceEndpoints.Map(app, gw);
        OperatorEndpoints.Map(app, gw);
        CertificateEndpoints.Map(app, gw);
        ReadModelEndpoints.Map(app, gw);
        OutboundMessageEndpoints.Map(app, gw);
        OperatorActEndpoints.Map(app, gw);
        NodeStatsEndpoints.Map(app, gw);
        MessageArchiveEndpoints.Map(app, gw);
        EventEndpoints.Map(app, gw, events, new EventTickets(gw.Tokens));
        FederationEndpoints.Map(app, gw, gw.Links);
        ConsoleEndpoints.Map(app);
        app.MapFallback((HttpContext c) => throw ApiException.NotFound("request.not_found", $"no endpoint {c.Request.Method} {c.Request.Path}"));
        return app;
    }

    /// <summary>Stops accepting requests, lets in-flight ones finish, then stops the node (snapshot on stop).</summary>
    public async ValueTask DisposeAsync()
    {
        _node?.StopPopulating(); // first: the shutdown's own mapping calls would wait on it
        _stopFollowing.Cancel();
        try { await _activation; }
        catch (OperationCanceledException) { }
        catch (Exception) { } // activation failed: reported by Activation's own awaiter
        if (_peerEndpoint is not null) await _peerEndpoint.DisposeAsync();
        try { await _app.StopAsync(TimeSpan.FromSeconds(10)); }
        catch (OperationCanceledException) { }
        _events.Dispose();
        if (_ticker is not null) await _ticker.DisposeAsync();
        _gateway.ReadModel?.Dispose();
        _node?.Dispose();
        _gateway.Standby?.Dispose();
        _gateway.Messages?.Dispose();
        await _app.DisposeAsync();
    }

    public string DataPath => _dataPath;

    /// <summary>The peer endpoint's address (null without <see cref="ServerOptions.Peers"/>).</summary>
    public string? PeerAddress => _peerEndpoint?.Address;

    /// <summary>The read model and its projector (null with <c>ReadModel = "none"</c>).</summary>
    public global::Corridor.Server.ReadModel.ReadModelHost? ReadModel => _gateway.ReadModel;
    internal NodeGateway Gateway => _gateway;

    /// <summary>Every endpoint the app maps (its route table): lets tests check that no route escapes the authorisation table.</summary>
    internal IReadOnlyList<Endpoint> MappedEndpoints => ((IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).ToArray();
}
