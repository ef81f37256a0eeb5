using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Xml;

namespace Corridor.Link;

/// <summary>
/// The destination's answer to one message from a peer: a pacs.002 (<see cref="Xml"/>, one <see cref="Lines"/> entry per
/// payment), or a refusal (<see cref="Status"/> 400/409/422 with a stable <see cref="Code"/>) when nothing was recorded.
/// </summary>
public sealed record LinkReply
{
    /// <summary>HTTP status the transport answers: 200 with the pacs.002, otherwise a refusal.</summary>
    public int Status { get; init; } = 200;
    public string? Code { get; init; }
    public string? Detail { get; init; }
    /// <summary>The pacs.002, as the bytes to send (validated against its schema when built).</summary>
    public byte[]? Xml { get; init; }
    public StatusReport? Report { get; init; }
    /// <summary>The answer line of each payment of the message, in order.</summary>
    public IReadOnlyList<CrossNodeMapping.AnswerLine> Lines { get; init; } = [];
    /// <summary>What the peer sent: its message definition (pacs.008/pacs.009/pacs.028) and MsgId, when it parsed.</summary>
    public string? Definition { get; init; }
    public string? MsgId { get; init; }
    /// <summary>True for a pacs.028 (status question), false for a pacs.008/pacs.009 (payments).</summary>
    public bool IsQuestion { get; init; }
    /// <summary>Items of the ExpireUnknown command a question journaled (0: every payment asked after was known).</summary>
    public int ExpiredUnknown { get; init; }

    public bool Refused => Status != 200;

    internal static LinkReply Refuse(int status, string code, string detail, string? definition = null, string? msgId = null) =>
        new() { Status = status, Code = code, Detail = detail, Definition = definition, MsgId = msgId, IsQuestion = definition == StatusRequest.Definition };
}

/// <summary>
/// The destination's side of the link (protocol steps 3–5, 8), independent of transport and threads: a pacs.008 (or pacs.009)
/// is journaled as ONE ReceiveFromPeer (op 402; op 406 for institution transfers) command — each payment recorded and decided
/// on its own — and answered from the engine's record (<see cref="FederationState.AnswerFor"/>); a pacs.028 is answered from
/// the record, its unknown payments first journaled as ONE ExpireUnknown command (op 404: after T each is recorded refused, so a
/// late pacs.008 can never settle). Journal, then answer: the answer is built only after the command is durable. The server's
/// peer endpoint (HTTPS, pinned certificates) and the federation simulator both call <see cref="ReceiveAsync"/>.
/// </summary>
public static class LinkEndpoint
{
    /// <summary>Engine results of ReceiveFromPeer that record nothing: the message is refused (no pacs.002), nothing changed.</summary>
    public static bool Unrecorded(FederationResult r) => r is FederationResult.UetrInvalid or FederationResult.AmountMustBePositive or FederationResult.CurrencyInvalid
        or FederationResult.OriginatorNotPayerInstitution or FederationResult.BeneficiaryNotPayeeInstitution or FederationResult.TradeReferenceNotAllowed
        or FederationResult.PaymentExistsWithDifferentContent or FederationResult.PeerNotFound or FederationResult.TooManyPayments or FederationResult.NotThisPeersPayment;

    /// <summary>
    /// Handles one message (the bytes the peer sent) from the authenticated peer <paramref name="peer"/>. Exceptions of the
    /// node (busy, not ready, crashed) pass through: nothing is answered then.
    /// </summary>
    public static async Task<LinkReply> ReceiveAsync(ILinkNode node, uint peer, byte[] body)
    {
        ParseResult parsed = Iso20022Codec.Parse(body);
        if (!parsed.IsSuccess)
            return LinkReply.Refuse(400, "federation.message_invalid", string.Join("; ", parsed.Errors.Take(3).Select(e => $"{e.ReasonCode} {e.Path} {e.Message}")));
        string reportId = node.NewMessageId("FEDR");
        switch (parsed.Message)
        {
            case Pacs008Message or Pacs009Message:
            {
                IsoMessage m = parsed.Message;
                var (terms, code, why) = m is Pacs008Message customer ? CrossNodeMapping.FromPacs008Batch(customer) : CrossNodeMapping.FromPacs009Batch((Pacs009Message)m);
                if (terms is null) return LinkReply.Refuse(400, "federation.message_invalid", $"{code}: {why}", m.MessageDefinition, m.MsgId);
                // The whole message is one journaled command: each payment recorded and decided on its own (one refusal refuses no other).
                node.Reached(LinkPoint.DestinationBeforeJournalReceive);
                FederationResult[] results;
                try
                {
                    results = m is Pacs008Message
                        ? await LinkCommands.SubmitAsync(node, Operation.ReceiveFromPeer, terms.Select(t => new ReceiveFromPeer(peer, t)).ToArray())
                        : await LinkCommands.SubmitAsync(node, Operation.ReceiveInstitutionFromPeer, terms.Select(t => new ReceiveInstitutionFromPeer(new ReceiveFromPeer(peer, t))).ToArray());
                }
                catch (ArgumentException e) { return LinkReply.Refuse(400, "federation.message_invalid", e.Message, m.MessageDefinition, m.MsgId); } // over-long text, malformed code
                node.Reached(LinkPoint.DestinationAfterJournalReceive);
                if (terms.Length == 1 && Unrecorded(results[0])) return Refusal(results[0], m);
                PeerAnswer?[] answers = await node.QueryAsync(e =>
                {
                    var found = new PeerAnswer?[terms.Length];
                    for (int i = 0; i < terms.Length; i++) found[i] = Unrecorded(results[i]) ? null : e.Federation.AnswerFor(peer, terms[i].Uetr);
                    return found;
                });
                var lines = new CrossNodeMapping.AnswerLine[terms.Length];
                for (int i = 0; i < terms.Length; i++)
                    lines[i] = new CrossNodeMapping.AnswerLine(terms[i].Uetr, answers[i],
                        Unrecorded(results[i]) ? "federation." + LinkCommands.Snake(results[i]) + ": refused, nothing recorded" : null);
                return Answer(node, lines, reportId, m.MsgId, m.MessageDefinition, question: false, expired: 0);
            }
            case StatusRequest q:
            {
                if (CrossNodeMapping.FromPacs028Batch(q, out string? why) is not { } asked)
                    return LinkReply.Refuse(400, "federation.message_invalid", why!, q.MessageDefinition, q.MsgId);
                PeerAnswer?[] answers = await node.QueryAsync(e => asked.Select(a => e.Federation.AnswerFor(peer, a.Uetr)).ToArray());
                var notRecorded = new string?[asked.Length];
                int[] unknown = Enumerable.Range(0, asked.Length).Where(i => answers[i] is null).ToArray();
                if (unknown.Length > 0)
                {
                    // Unknown: after T each is recorded refused (expired) before the answer, so a late pacs.008 can never settle.
                    // One journaled command for all the question's unknown payments.
                    node.Reached(LinkPoint.DestinationBeforeJournalStatus);
                    FederationResult[] results;
                    try { results = await LinkCommands.SubmitAsync(node, Operation.ExpireUnknown, unknown.Select(i => new ExpireUnknown(peer, asked[i].Uetr, asked[i].ExpiresAtNs)).ToArray()); }
                    catch (ArgumentException e) { return LinkReply.Refuse(400, "federation.message_invalid", e.Message, q.MessageDefinition, q.MsgId); }
                    node.Reached(LinkPoint.DestinationAfterJournalStatus);
                    if (asked.Length == 1 && results[0] is not (FederationResult.Ok or FederationResult.NotYetExpired)) return Refusal(results[0], q);
                    for (int k = 0; k < unknown.Length; k++)
                        if (results[k] is not (FederationResult.Ok or FederationResult.NotYetExpired))
                            notRecorded[unknown[k]] = "federation." + LinkCommands.Snake(results[k]) + ": refused, nothing recorded";
                    PeerAnswer?[] now = await node.QueryAsync(e => unknown.Select(i => e.Federation.AnswerFor(peer, asked[i].Uetr)).ToArray());
                    for (int k = 0; k < unknown.Length; k++) answers[unknown[k]] = now[k];
                }
                var lines = new CrossNodeMapping.AnswerLine[asked.Length];
                for (int i = 0; i < asked.Length; i++) lines[i] = new CrossNodeMapping.AnswerLine(asked[i].Uetr, answers[i], notRecorded[i]);
                return Answer(node, lines, reportId, q.MsgId, q.MessageDefinition, question: true, expired: unknown.Length);
            }
            default:
                return LinkReply.Refuse(400, "federation.unsupported_message",
                    $"{parsed.Message!.MessageDefinition} is not a federation message (pacs.008.001.09, pacs.009.001.09 or pacs.028.001.04)");
        }
    }

    private static LinkReply Answer(ILinkNode node, CrossNodeMapping.AnswerLine[] lines, string reportId, string originalMsgId, string originalDefinition, bool question, int expired)
    {
        StatusReport report = CrossNodeMapping.ToPacs002(lines, reportId, CrossNodeMapping.TimeOf(node.NowNs), originalMsgId, originalDefinition);
        return new LinkReply
        {
            Xml = Iso20022Codec.Build(report), Report = report, Lines = lines, Definition = originalDefinition, MsgId = originalMsgId, IsQuestion = question, ExpiredUnknown = expired,
        };
    }

    private static LinkReply Refusal(FederationResult r, IsoMessage m) =>
        LinkReply.Refuse(r == FederationResult.PaymentExistsWithDifferentContent ? 409 : 422, "federation." + LinkCommands.Snake(r), $"refused, nothing recorded: {r}", m.MessageDefinition, m.MsgId);
}
