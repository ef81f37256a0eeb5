using Corridor.Link;

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
    public const string SourceBeforeJournalSend = LinkPoints.SourceBeforeJournalSend;
    public const string SourceAfterJournalSend = LinkPoints.SourceAfterJournalSend;
    public const string SourceBeforeSendPacs008 = LinkPoints.SourceBeforeSendPacs008;
    public const string SourceAfterSendPacs008 = LinkPoints.SourceAfterSendPacs008;
    public const string SourceBeforeSendPacs028 = LinkPoints.SourceBeforeSendPacs028;
    public const string SourceAfterSendPacs028 = LinkPoints.SourceAfterSendPacs028;
    public const string SourceAfterJournalDecision = LinkPoints.SourceAfterJournalDecision;
    // Destination (payee's node): the peer endpoint's ReceiveFromPeer (op 402) and ExpireUnknown (op 404), and its pacs.002 answers.
    public const string DestinationBeforeJournalReceive = LinkPoints.DestinationBeforeJournalReceive;
    public const string DestinationAfterJournalReceive = LinkPoints.DestinationAfterJournalReceive;
    public const string DestinationAfterAnswerPacs008 = LinkPoints.DestinationAfterAnswerPacs008;
    public const string DestinationBeforeJournalStatus = LinkPoints.DestinationBeforeJournalStatus;
    public const string DestinationAfterJournalStatus = LinkPoints.DestinationAfterJournalStatus;
    public const string DestinationAfterAnswerPacs028 = LinkPoints.DestinationAfterAnswerPacs028;

    /// <summary>Every step of the link, in protocol order (the crash test runs each of them). Names spelled in <see cref="LinkPoints"/>, which the federation simulator's crash points share.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        SourceBeforeJournalSend, SourceAfterJournalSend, SourceBeforeSendPacs008, DestinationBeforeJournalReceive, DestinationAfterJournalReceive,
        DestinationAfterAnswerPacs008, SourceAfterSendPacs008, SourceBeforeSendPacs028, DestinationBeforeJournalStatus, DestinationAfterJournalStatus,
        DestinationAfterAnswerPacs028, SourceAfterSendPacs028, SourceAfterJournalDecision,
    ];

    /// <summary>Compliance officer's decision on a held payment (release or reject), around its journal write, on either node.</summary>
    public const string DecisionBeforeJournal = LinkPoints.DecisionBeforeJournal;
    public const string DecisionAfterJournal = LinkPoints.DecisionAfterJournal;

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
