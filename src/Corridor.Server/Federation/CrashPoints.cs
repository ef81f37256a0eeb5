namespace Corridor.Server.Federation;

/// <summary>
/// Fault injection for the federation crash tests (docs/federation.md, "Crash points"): with the environment variable
/// <c>CORRIDOR_CRASH_AT=&lt;step&gt;</c> set, the process kills itself with SIGKILL the first time it reaches that step of the
/// protocol — before or after each journal write and each message sent, on the source and on the destination. Unset (always,
/// outside those tests) every call is one comparison with null. A node never sets it for itself.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "CORRIDOR_CRASH_AT";

    // Source (payer's node): the API's SendToPeer (op 401), the outbox's pacs.008 / pacs.028 and the journaled decision (op 403).
    public const string SourceBeforeJournalSend = "source.send.before_journal";
    public const string SourceAfterJournalSend = "source.send.after_journal";
    public const string SourceBeforeSendPacs008 = "source.outbox.before_pacs008";
    public const string SourceAfterSendPacs008 = "source.outbox.after_pacs008";
    public const string SourceBeforeSendPacs028 = "source.outbox.before_pacs028";
    public const string SourceAfterSendPacs028 = "source.outbox.after_pacs028";
    public const string SourceAfterJournalDecision = "source.outbox.after_journal_decision";
    // Destination (payee's node): the peer endpoint's ReceiveFromPeer (op 402) and ExpireUnknown (op 404), and its pacs.002 answers.
    public const string DestinationBeforeJournalReceive = "destination.pacs008.before_journal";
    public const string DestinationAfterJournalReceive = "destination.pacs008.after_journal";
    public const string DestinationAfterAnswerPacs008 = "destination.pacs008.after_answer";
    public const string DestinationBeforeJournalStatus = "destination.pacs028.before_journal";
    public const string DestinationAfterJournalStatus = "destination.pacs028.after_journal";
    public const string DestinationAfterAnswerPacs028 = "destination.pacs028.after_answer";

    /// <summary>Every step, in protocol order (the crash test runs each of them).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        SourceBeforeJournalSend, SourceAfterJournalSend, SourceBeforeSendPacs008, DestinationBeforeJournalReceive, DestinationAfterJournalReceive,
        DestinationAfterAnswerPacs008, SourceAfterSendPacs008, SourceBeforeSendPacs028, DestinationBeforeJournalStatus, DestinationAfterJournalStatus,
        DestinationAfterAnswerPacs028, SourceAfterSendPacs028, SourceAfterJournalDecision,
    ];

    /// <summary>Compliance officer's decision on a held payment (release or reject), around its journal write, on either node.</summary>
    public const string DecisionBeforeJournal = "compliance.decision.before_journal";
    public const string DecisionAfterJournal = "compliance.decision.after_journal";

    /// <summary>The steps of an officer's decision on a hold (the decision crash test runs each of them on both nodes).</summary>
    public static readonly IReadOnlyList<string> Decisions = [DecisionBeforeJournal, DecisionAfterJournal];

        private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } step ? step : null;

    /// <summary>The armed step when it names no crash point (<c>corridor run</c> refuses to start), else null.</summary>
    public static string? UnknownStep => Armed is not null && !All.Contains(Armed) && !Decisions.Contains(Armed) ? Armed : null;

    /// <summary>True when this process is to die at <paramref name="step"/>.</summary>
    public static bool IsArmed(string step) => Armed is not null && Armed == step;

    /// <summary>Kills this process with SIGKILL when <paramref name="step"/> is the armed one: no snapshot, no flush, no goodbye.</summary>
    public static void Reach(string step)
    {
        if (Armed is null || Armed != step) return;
        Console.Error.WriteLine($"corridor: crash point {step} reached: SIGKILL");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill(); // SIGKILL on Unix (not Environment.FailFast, which aborts)
        Thread.Sleep(Timeout.Infinite);
    }
}
