using Corridor.Core.Federation;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Xml;

namespace Corridor.Link;

/// <summary>What the driver of an exchange does next.</summary>
public enum LinkStep
{
    /// <summary>Send <see cref="LinkExchange.Request"/> to the peer; then <see cref="LinkExchange.Answered"/> with its pacs.002 (or <see cref="LinkExchange.Failed"/>).</summary>
    Send,
    /// <summary>Journal <see cref="LinkExchange.Decisions"/> as one PeerDecision command (op 403); then <see cref="LinkExchange.Journaled"/> with the results.</summary>
    Journal,
    /// <summary>Nothing more: hand the exchange to <see cref="LinkOutbox.Ended"/>.</summary>
    Done,
}

/// <summary>One request to the peer: the ISO 20022 bytes, what they are, the payments they carry.</summary>
public sealed record LinkRequest(byte[] Xml, string Definition, string MsgId, int Payments, string FirstUetr)
{
    /// <summary>A pacs.028 (status question) rather than a pacs.008/pacs.009 (payments).</summary>
    public bool IsQuestion => Definition == StatusRequest.Definition;
}

/// <summary>A final answer of the peer as the source journaled it, with the engine's result (Ok, or e.g. DecisionConflicts).</summary>
public sealed record LinkBooking(string Uetr, CrossNodeStatus Status, FederationResult Result);

/// <summary>
/// One exchange of the source's link with one peer, as a state machine the caller drives (<see cref="Step"/>): a batch of
/// first attempts (one pacs.008 or pacs.009, split in two while it would exceed the message size limit), or a retry (one
/// pacs.028 about up to the batch size of payments; then those the peer never received sent again, one message per kind, in
/// turn). After each pacs.002 the final answers are journaled as ONE PeerDecision command (op 403) before anything else;
/// payments held by the peer's compliance, or not decided, wait for the next attempt. The caller does the I/O: it sends the
/// request and reports the answer, submits the decisions and reports the results.
/// </summary>
public sealed class LinkExchange
{
    internal sealed record Item(CrossNodePayment Payment, string? PayerBic)
    {
        public Agent PayerAgent => PayerBic is null ? new Agent { Name = "participant " + Payment.Debtor } : Agent.FromBic(PayerBic);
    }

    private readonly ILinkNode _node;
    private readonly List<(List<Item> Items, bool Question)> _todo = new(); // requests still to send, in order
    private List<Item> _current = [];
    private bool _currentIsQuestion;
    private List<(Item P, PeerDecision D, CrossNodeStatus Status)> _deciding = [];
    private readonly HashSet<UInt128> _decided = new();

    private LinkExchange(ILinkNode node, PeerInfo peer, List<Item> items, bool isBatch)
    {
        _node = node;
        Peer = peer;
        IsBatch = isBatch;
        PaymentIds = items.Select(i => i.Payment.PaymentId).ToArray();
        FirstUetr = items[0].Payment.Terms.Uetr;
    }

    internal static LinkExchange Batch(ILinkNode node, PeerInfo peer, List<Item> items)
    {
        var x = new LinkExchange(node, peer, items, isBatch: true);
        x._todo.Add((items, false));
        x.Advance();
        return x;
    }

    internal static LinkExchange Question(ILinkNode node, PeerInfo peer, List<Item> items)
    {
        var x = new LinkExchange(node, peer, items, isBatch: false);
        x._todo.Add((items, true));
        x.Advance();
        return x;
    }

    /// <summary>An exchange that begins by journaling decisions it already has (the simulator's planted bug only).</summary>
    internal static LinkExchange Deciding(ILinkNode node, PeerInfo peer, List<Item> items, List<PeerDecision> decisions)
    {
        var x = new LinkExchange(node, peer, items, isBatch: false) { Step = LinkStep.Journal };
        x._deciding = items.Select((p, i) => (p, decisions[i], decisions[i].Settled ? CrossNodeStatus.Settled : CrossNodeStatus.Refused)).ToList();
        return x;
    }

    public PeerInfo Peer { get; }
    /// <summary>First attempts (takes a batch slot) rather than a retry (takes an exchange slot).</summary>
    public bool IsBatch { get; }
    public IReadOnlyList<UInt128> PaymentIds { get; }
    public string FirstUetr { get; }
    public LinkStep Step { get; private set; }
    /// <summary>The request to send (while <see cref="Step"/> is <see cref="LinkStep.Send"/>).</summary>
    public LinkRequest? Request { get; private set; }
    /// <summary>The final answers to journal as one PeerDecision command (while <see cref="Step"/> is <see cref="LinkStep.Journal"/>).</summary>
    public IReadOnlyList<PeerDecision> Decisions => _deciding.Select(d => d.D).ToArray();
    /// <summary>The payments whose final answer is journaled.</summary>
    public IReadOnlySet<UInt128> Decided => _decided;

    /// <summary>The peer's pacs.002 to <see cref="Request"/>.</summary>
    public void Answered(StatusReport report)
    {
        if (Step != LinkStep.Send) throw new InvalidOperationException($"an answer while the exchange is at {Step}");
        Dictionary<string, PeerAnswer?> answers = CrossNodeMapping.FromPacs002(report);
        _deciding = new List<(Item, PeerDecision, CrossNodeStatus)>();
        var again = new List<Item>();
        foreach (Item p in _current)
        {
            PeerAnswer? answer = answers.GetValueOrDefault(p.Payment.Terms.Uetr);
            if (answer?.AsDecision(Peer.Id) is { } decision) _deciding.Add((p, decision, answer.Status));
            else if (_currentIsQuestion && answer is null) again.Add(p); // never received (or not recorded): sent again; held ones wait
        }
        // The ones never received go again together, one message per kind (in the order the kinds first appear), after the decisions.
        foreach (var kind in again.GroupBy(p => p.Payment.Terms.Kind)) _todo.Add((kind.ToList(), false));
        Request = null;
        if (_deciding.Count > 0) Step = LinkStep.Journal;
        else Advance();
    }

    /// <summary>The engine's results of the PeerDecision command, in the order of <see cref="Decisions"/>; what was booked.</summary>
    public IReadOnlyList<LinkBooking> Journaled(IReadOnlyList<FederationResult> results)
    {
        if (Step != LinkStep.Journal) throw new InvalidOperationException($"decisions journaled while the exchange is at {Step}");
        var booked = new LinkBooking[_deciding.Count];
        for (int i = 0; i < _deciding.Count; i++)
        {
            _decided.Add(_deciding[i].P.Payment.PaymentId);
            booked[i] = new LinkBooking(_deciding[i].P.Payment.Terms.Uetr, _deciding[i].Status, results[i]);
        }
        _deciding = [];
        Advance();
        return booked;
    }

    /// <summary>The request failed (no answer, an error, a timeout): the exchange ends; what is not decided is retried.</summary>
    public void Failed()
    {
        Step = LinkStep.Done;
        Request = null;
        _deciding = [];
        _todo.Clear();
    }

    /// <summary>The next request (building it now, at the node's clock), or done.</summary>
    private void Advance()
    {
        while (_todo.Count > 0)
        {
            var (items, question) = _todo[0];
            _todo.RemoveAt(0);
            if (question)
            {
                StatusRequest q = CrossNodeMapping.ToPacs028(items.Select(p => (p.Payment.Terms.Uetr, p.Payment.Terms.ExpiresAtNs)).ToArray(), _node.NewMessageId("FEDQ"),
                    CrossNodeMapping.TimeOf(_node.NowNs));
                Set(items, true, new LinkRequest(Iso20022Codec.Build(q), q.MessageDefinition, q.MsgId, items.Count, items[0].Payment.Terms.Uetr));
                return;
            }
            IsoMessage message = CrossNodeMapping.ToMessage(items.Select(p => (p.Payment.Terms, p.PayerAgent)).ToArray(), _node.NewMessageId("FEDB"),
                CrossNodeMapping.TimeOf(_node.NowNs));
            byte[] xml = Iso20022Codec.Build(message);
            if (xml.Length > XmlLimits.MaxMessageBytes && items.Count > 1)
            {
                // Beyond the peer's size limit: the first half goes first (split again if need be), then the second.
                int half = items.Count / 2;
                _todo.Insert(0, (items.GetRange(half, items.Count - half), false));
                _todo.Insert(0, (items.GetRange(0, half), false));
                continue;
            }
            Set(items, false, new LinkRequest(xml, message.MessageDefinition, message.MsgId, items.Count, items[0].Payment.Terms.Uetr));
            return;
        }
        Step = LinkStep.Done;
        Request = null;
    }

    private void Set(List<Item> items, bool question, LinkRequest request)
    {
        _current = items;
        _currentIsQuestion = question;
        Request = request;
        Step = LinkStep.Send;
    }
}
