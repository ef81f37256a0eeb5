using System.Globalization;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Corridor.Iso20022.Xml;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// ISO 20022 at the edge: <c>POST /v1/iso20022</c> takes a pacs.008 or pacs.009 (bare Document or
/// AppHdr envelope) and answers with the pacs.002 status report: ACSC when settled, PDNG when queued
/// for liquidity, RJCT with the ISO reason code otherwise. Nothing is half-applied: a message that
/// fails the schema or business rules changes nothing. pacs.004 returns (<see cref="Iso20022Returns"/>),
/// camt.056 cancellation requests (<see cref="Iso20022Cancellations"/>, answered with a camt.029) and
/// cross-currency pacs.008 settled PvP (<see cref="Iso20022CrossCurrency"/>) have their own handlers.
/// </summary>
public static class Iso20022Endpoints
{
    private const string XmlContentType = "application/xml";

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/iso20022", Handler.Of(c => ReceiveAndArchive(c, gw))).WithTags("iso20022")
            .Accepts<string>(XmlContentType).Produces<string>(200, XmlContentType);
    }

    /// <summary>The message read (set once it parsed), for the archive.</summary>
    private const string InboundKey = "corridor.iso20022.inbound";

    /// <summary>
    /// Answers the message, then keeps it and the answer in the node's message archive (<see cref="Messages.MessageArchive"/>) before
    /// the answer is sent: a message that parsed is kept whatever the answer (accepted, refused by a rule); one refused before it
    /// parsed, or by authentication, is not.
    /// </summary>
    private static async Task<IResult> ReceiveAndArchive(HttpContext c, NodeGateway gw)
    {
        IResult answer = await Receive(c, gw);
        if (gw.Messages is { } archive && c.Items[InboundKey] is (Caller caller, IsoMessage message, byte[] xml) && answer is XmlResult reply)
        {
            ulong at = Corridor.Storage.Node.NodeOptions.WallClockNs();
            IsoMessage? answered = reply.Answer; // the message this node built (its bytes are what is sent)
            await archive.AddExchangeAsync(caller.ParticipantId, message.MessageDefinition, message.MsgId, xml, answered?.MessageDefinition, answered?.MsgId, reply.Body, at);
        }
        return answer;
    }

    private static async Task<IResult> Receive(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        // The operator may send for any agent: only an operator user whose role runs the system (not compliance-only).
        if (caller.IsOperator) NodeGateway.RequireOperator(caller);
        string? type = c.Request.ContentType;
        if (type is null || !(type.StartsWith(XmlContentType, StringComparison.OrdinalIgnoreCase) || type.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase)))
            throw new ApiException(415, "request.unsupported_media_type", "ISO 20022 messages are sent as application/xml");
        byte[] xml = await ReadBoundedAsync(c, XmlLimits.MaxMessageBytes);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string reportId = "CRDR" + now.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture);

        ParseResult parsed = Iso20022Codec.Parse(xml);
        if (!parsed.IsSuccess)
            return Xml(Iso20022Codec.BuildRejection(parsed, reportId, now), 400);
        c.Items[InboundKey] = (caller, parsed.Message!, xml);

        IReadOnlyList<ValidationIssue> issues = Iso20022Codec.Validate(parsed.Message!);
        // Who instructs the message as a whole: the group header's InstgAgt, when given, is the caller (as each transaction's below).
        GroupHeader? header = parsed.Message switch { Pacs008Message p => p.GrpHdr, Pacs009Message p => p.GrpHdr, Pacs004Message p => p.GrpHdr, _ => null };
        switch (parsed.Message)
        {
            case Pacs004Message ret:
                await Iso20022Replies.RequireGroupInstructedByCallerAsync(gw, caller, header!);
                return Xml(await Iso20022Returns.ReceiveAsync(gw, caller, ret, issues, reportId, now), 200);
            case Camt056Message cxl: return Xml(await Iso20022Cancellations.ReceiveAsync(gw, caller, cxl, issues, reportId, now), 200);
            case Pacs008Message fx when fx.Transactions.Any(Iso20022CrossCurrency.IsCrossCurrency):
                await Iso20022Replies.RequireGroupInstructedByCallerAsync(gw, caller, header!);
                return Xml(await Iso20022CrossCurrency.ReceiveAsync(gw, caller, fx, issues, reportId, now), 200);
        }
        // Same currency: the group header's instructing agent is looked up with the transactions' agents, in the one query that maps them.
        string? groupBic = caller.IsOperator ? null : header?.InstgAgt?.Bicfi;
        (List<(int Index, MappedPayment Mapped)> legs, ulong? groupInstructing) = parsed.Message switch
        {
            Pacs008Message m => await MapAllAsync(gw, m.Transactions.Select(t => t.IntrBkSttlmAmt.Currency).Distinct().ToArray(),
                dir => m.Transactions.Select(t => PaymentMapping.Map(m.MsgId, t, dir)).ToArray(),
                m.Transactions.SelectMany(t => new[] { (t.InstgAgt ?? t.DbtrAgt).Bicfi, (t.InstdAgt ?? t.CdtrAgt).Bicfi }), groupBic),
            Pacs009Message m => await MapAllAsync(gw, m.Transactions.Select(t => t.IntrBkSttlmAmt.Currency).Distinct().ToArray(),
                dir => m.Transactions.Select(t => PaymentMapping.Map(m.MsgId, t, dir)).ToArray(),
                m.Transactions.SelectMany(t => new[] { (t.InstgAgt ?? t.Dbtr).Bicfi, (t.InstdAgt ?? t.Cdtr).Bicfi }), groupBic),
            _ => throw new ApiException(422, "iso20022.unsupported_message",
                $"{parsed.Message!.MessageDefinition} is not accepted on this endpoint; send pacs.008, pacs.009, pacs.004 or camt.056"),
        };
        if (groupBic is not null) Iso20022Replies.RequireCallerInstructs(caller, groupInstructing, "GrpHdr/InstgAgt");

        // Mapping problems become per-transaction findings, like the business rules'.
        var findings = new List<ValidationIssue>(issues);
        foreach (var (index, mapped) in legs)
            if (!mapped.IsMapped) findings.Add(new ValidationIssue(mapped.ReasonCode!, $"CdtTrfTxInf[{index}]", mapped.Reason!));
        // A participant instructs only its own payments.
        foreach (var (index, mapped) in legs)
            if (mapped.IsMapped) Iso20022Replies.RequireCallerInstructs(caller, mapped.Payment!.Value.Payer, $"the instructing agent of CdtTrfTxInf[{index}]");

        StatusReport report = Iso20022Codec.StatusReportFor(parsed.Message!, findings, reportId, now);
        bool groupRejected = report.GroupStatus == PaymentStatusCodes.Rejected && report.Transactions.Count == 0;
        var toSubmit = groupRejected ? [] : legs.Where(l => l.Mapped.IsMapped && !findings.Any(f => f.Path.StartsWith($"CdtTrfTxInf[{l.Index}]", StringComparison.Ordinal))).ToList();
        if (toSubmit.Count == 0) return Xml(report, 200);

        Iso20022Replies.SameCurrencyAnswer[] answers = await Iso20022Replies.SubmitSameCurrencyAsync(gw,
            toSubmit.Select(l => new SubmitPaymentWithDetails(l.Mapped.Payment!.Value, l.Mapped.Details ?? PaymentDetails.None)).ToArray());
        var statuses = report.Transactions.ToArray();
        for (int i = 0; i < toSubmit.Count; i++)
        {
            int tx = toSubmit[i].Index;
            statuses[tx] = statuses[tx] with { TxSts = answers[i].Status, Reasons = answers[i].Reasons, AcctSvcrRef = Iso20022Replies.Ref(answers[i].Outcome.PaymentId) };
        }
        int rejected = statuses.Count(s => s.TxSts == PaymentStatusCodes.Rejected);
        string group = rejected == statuses.Length ? PaymentStatusCodes.Rejected
            : rejected > 0 ? "PART"
            : statuses.All(s => s.TxSts == PaymentStatusCodes.SettlementCompleted) ? PaymentStatusCodes.SettlementCompleted
            : PaymentStatusCodes.Pending;
        report = report with { GroupStatus = group, Transactions = new ValueList<TransactionStatus>(statuses) };
        return Xml(report, 200);
    }

    /// <summary>
    /// The transactions mapped against the participants of their agents' BICs and the ledgers of their currencies, read in one
    /// hand-off to the engine; with them, the participant of <paramref name="groupBic"/> (the group header's instructing agent), if any.
    /// </summary>
    private static async Task<(List<(int, MappedPayment)> Legs, ulong? GroupInstructing)> MapAllAsync(
        NodeGateway gw, string[] currencies, Func<ParticipantDirectory, MappedPayment[]> map, IEnumerable<string?> bics, string? groupBic)
    {
        string[] wanted = bics.Append(groupBic).Where(b => b is not null).Select(b => b!).Distinct(StringComparer.Ordinal).ToArray();
        var (participants, ledgers) = await gw.QueryAsync(engine =>
        {
            var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (string bic in wanted)
                if (engine.Settlement.FindParticipantByBic(bic) is { } id) found[bic] = id;
            var byCurrency = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (string code in currencies)
                if (engine.Settlement.FindLedgerByCurrency(code) is { } l) byCurrency[code] = l;
            return (found, byCurrency);
        });
        MappedPayment[] mapped = map(new ParticipantDirectory(
            bic => participants.TryGetValue(bic, out ulong id) ? id : null,
            code => ledgers.TryGetValue(code, out uint l) ? l : null));
        var result = new List<(int, MappedPayment)>(mapped.Length);
        for (int i = 0; i < mapped.Length; i++) result.Add((i, mapped[i]));
        return (result, groupBic is not null && participants.TryGetValue(groupBic, out ulong group) ? group : null);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContext c, int maxBytes)
    {
        int read;
        if (c.Request.ContentLength > maxBytes)
            throw new ApiException(413, "request.body_too_large", $"ISO 20022 messages are limited to {maxBytes} bytes");
        if (c.Request.ContentLength is long declared)
        {
            // The usual case: one array of the declared length, read into directly (no growing buffer, no copy: a message of
            // 100 transactions is ~150 KB, and each large array costs the collector). Kestrel ends the body at the declared length.
            var body = new byte[declared];
            int filled = 0;
            while (filled < body.Length && (read = await c.Request.Body.ReadAsync(body.AsMemory(filled), c.RequestAborted)) > 0) filled += read;
            if (filled < body.Length) throw new Microsoft.AspNetCore.Http.BadHttpRequestException("the request body ended before its Content-Length");
            return body;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while ((read = await c.Request.Body.ReadAsync(chunk, c.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new ApiException(413, "request.body_too_large", $"ISO 20022 messages are limited to {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static XmlResult Xml(byte[] body, int status) => new(body, status, null);

    /// <summary>The answer built from <paramref name="answer"/>, which the archive records without reading the bytes back.</summary>
    private static XmlResult Xml(IsoMessage answer, int status) => new(Iso20022Codec.Build(answer), status, answer);

    private sealed class XmlResult(byte[] body, int status, IsoMessage? answer) : IResult
    {
        public byte[] Body => body;

        /// <summary>The message the body holds, when this node built it from one.</summary>
        public IsoMessage? Answer => answer;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = XmlContentType + "; charset=utf-8";
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }
}
