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

/// <summary>Steps of the destination's side of the protocol where a node may die (the source's are its transport's).</summary>
public enum LinkPoint
{
    /// <summary>A pacs.008/pacs.009 is parsed; its ReceiveFromPeer command not yet journaled.</summary>
    DestinationBeforeJournalReceive,
    /// <summary>The ReceiveFromPeer command is journaled; the pacs.002 not yet answered.</summary>
    DestinationAfterJournalReceive,
    /// <summary>A pacs.028 asks after unknown payments; their ExpireUnknown command not yet journaled.</summary>
    DestinationBeforeJournalStatus,
    /// <summary>The ExpireUnknown command is journaled; the pacs.002 not yet answered.</summary>
    DestinationAfterJournalStatus,
}
