using Corridor.Core.Engine;

namespace Corridor.Link;

/// <summary>
/// What the link needs of the node it runs on. The link decides and builds messages; the caller supplies this: the server
/// submits through the node's sequencer (journaled and fsync'd before the reply) and queries its engine thread; the federation
/// simulator journals on a simulated disk and applies in its engine, on a simulated clock.
/// </summary>
public interface ILinkNode
{
    /// <summary>Submits one command of <paramref name="count"/> items (journaled before the reply); the engine's reply.</summary>
    Task<CommandReply> SubmitAsync(Operation operation, int count, byte[] payload);

    /// <summary>Reads the engine's state (between batches: nothing undurable is visible).</summary>
    Task<T> QueryAsync<T>(Func<Engine, T> query);

    /// <summary>The time written into messages (CreDtTm), ns since the Unix epoch.</summary>
    ulong NowNs { get; }

    /// <summary>A fresh message id starting with <paramref name="prefix"/> (4 letters), at most 35 characters, never reused.</summary>
    string NewMessageId(string prefix);

    /// <summary>
    /// The link reached <paramref name="point"/> of the protocol. The server kills itself there in crash tests
    /// (<c>CORRIDOR_CRASH_AT</c>); the simulator may crash the node (by throwing). Returns normally otherwise.
    /// </summary>
    void Reached(LinkPoint point);
}

/// <summary>
/// Steps of the protocol where a node may die (the server's crash tests, <c>CORRIDOR_CRASH_AT</c>; the federation simulator's
/// crash points). <see cref="LinkEndpoint"/> reaches the destination's journal steps itself; the others are reached by the
/// drivers: the source's send request and its outbox (the server's endpoints and <c>PeerOutbox</c>, the simulator), the
/// destination's answer sent (its transport), an officer's decision on a hold. <see cref="LinkPoints.Name"/> spells each one.
/// </summary>
public enum LinkPoint
{
    /// <summary>The payer's SendToPeer (op 401/405) is checked; not yet journaled.</summary>
    SourceBeforeJournalSend,
    /// <summary>The SendToPeer command is journaled; the payer not yet answered.</summary>
    SourceAfterJournalSend,
    /// <summary>The outbox built a pacs.008/pacs.009; not yet sent.</summary>
    SourceBeforeSendPacs008,
    /// <summary>The peer's pacs.002 to a pacs.008/pacs.009 arrived; not yet handed to the exchange.</summary>
    SourceAfterSendPacs008,
    /// <summary>The outbox built a pacs.028; not yet sent.</summary>
    SourceBeforeSendPacs028,
    /// <summary>The peer's pacs.002 to a pacs.028 arrived; not yet handed to the exchange.</summary>
    SourceAfterSendPacs028,
    /// <summary>The peer's final answers are journaled (op 403); the exchange not yet told.</summary>
    SourceAfterJournalDecision,
    /// <summary>A pacs.008/pacs.009 is parsed; its ReceiveFromPeer command not yet journaled.</summary>
    DestinationBeforeJournalReceive,
    /// <summary>The ReceiveFromPeer command is journaled; the pacs.002 not yet answered.</summary>
    DestinationAfterJournalReceive,
    /// <summary>The pacs.002 to a pacs.008/pacs.009 is sent.</summary>
    DestinationAfterAnswerPacs008,
    /// <summary>A pacs.028 asks after unknown payments; their ExpireUnknown command not yet journaled.</summary>
    DestinationBeforeJournalStatus,
    /// <summary>The ExpireUnknown command is journaled; the pacs.002 not yet answered.</summary>
    DestinationAfterJournalStatus,
    /// <summary>The pacs.002 to a pacs.028 is sent.</summary>
    DestinationAfterAnswerPacs028,
    /// <summary>An officer's decision on a held payment (release or reject) is checked; not yet journaled.</summary>
    DecisionBeforeJournal,
    /// <summary>The officer's decision is journaled; the officer not yet answered.</summary>
    DecisionAfterJournal,
}

/// <summary>The names of the <see cref="LinkPoint"/>s (<c>CORRIDOR_CRASH_AT</c>'s values, the simulator's counts): spelled here only.</summary>
public static class LinkPoints
{
    public const string SourceBeforeJournalSend = "source.send.before_journal";
    public const string SourceAfterJournalSend = "source.send.after_journal";
    public const string SourceBeforeSendPacs008 = "source.outbox.before_pacs008";
    public const string SourceAfterSendPacs008 = "source.outbox.after_pacs008";
    public const string SourceBeforeSendPacs028 = "source.outbox.before_pacs028";
    public const string SourceAfterSendPacs028 = "source.outbox.after_pacs028";
    public const string SourceAfterJournalDecision = "source.outbox.after_journal_decision";
    public const string DestinationBeforeJournalReceive = "destination.pacs008.before_journal";
    public const string DestinationAfterJournalReceive = "destination.pacs008.after_journal";
    public const string DestinationAfterAnswerPacs008 = "destination.pacs008.after_answer";
    public const string DestinationBeforeJournalStatus = "destination.pacs028.before_journal";
    public const string DestinationAfterJournalStatus = "destination.pacs028.after_journal";
    public const string DestinationAfterAnswerPacs028 = "destination.pacs028.after_answer";
    public const string DecisionBeforeJournal = "compliance.decision.before_journal";
    public const string DecisionAfterJournal = "compliance.decision.after_journal";

    /// <summary>Every point, in the enum's order.</summary>
    public static IReadOnlyList<LinkPoint> All { get; } = Enum.GetValues<LinkPoint>();

    public static string Name(LinkPoint point) => point switch
    {
        LinkPoint.SourceBeforeJournalSend => SourceBeforeJournalSend,
        LinkPoint.SourceAfterJournalSend => SourceAfterJournalSend,
        LinkPoint.SourceBeforeSendPacs008 => SourceBeforeSendPacs008,
        LinkPoint.SourceAfterSendPacs008 => SourceAfterSendPacs008,
        LinkPoint.SourceBeforeSendPacs028 => SourceBeforeSendPacs028,
        LinkPoint.SourceAfterSendPacs028 => SourceAfterSendPacs028,
        LinkPoint.SourceAfterJournalDecision => SourceAfterJournalDecision,
        LinkPoint.DestinationBeforeJournalReceive => DestinationBeforeJournalReceive,
        LinkPoint.DestinationAfterJournalReceive => DestinationAfterJournalReceive,
        LinkPoint.DestinationAfterAnswerPacs008 => DestinationAfterAnswerPacs008,
        LinkPoint.DestinationBeforeJournalStatus => DestinationBeforeJournalStatus,
        LinkPoint.DestinationAfterJournalStatus => DestinationAfterJournalStatus,
        LinkPoint.DestinationAfterAnswerPacs028 => DestinationAfterAnswerPacs028,
        LinkPoint.DecisionBeforeJournal => DecisionBeforeJournal,
        LinkPoint.DecisionAfterJournal => DecisionAfterJournal,
        _ => throw new ArgumentOutOfRangeException(nameof(point), point, null),
    };
}
