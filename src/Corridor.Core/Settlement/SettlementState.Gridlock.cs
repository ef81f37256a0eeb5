namespace Corridor.Core.Settlement;

/// <summary>
/// The queues of one ledger as a whole: payments queued, their total (minor units), those submitted before the time asked,
/// and a gridlock if there is one: participants whose queued payments wait on each other in a circle, each with a queued
/// payment to the next (the last to the first). The liquidity-saving mechanism runs on every queue change, so a circle still
/// there is one it could not settle: liquidity must come in, or a payment be revoked. Null when there is none.
/// </summary>
public sealed record LedgerQueues(uint Ledger, int Payments, long AmountMinor, int SubmittedBefore, IReadOnlyList<ulong>? Gridlock);

public sealed partial class SettlementState
{
    /// <summary>
    /// The queues of every ledger that has any (ascending by ledger): see <see cref="LedgerQueues"/>; "old" means submitted
    /// before <paramref name="submittedBeforeNs"/> (engine time).
    /// </summary>
    public IReadOnlyList<LedgerQueues> GetQueueOverview(ulong submittedBeforeNs)
    {
        var counts = new SortedDictionary<uint, (int Payments, long Minor, int Old)>();
        var waits = new SortedDictionary<uint, SortedDictionary<ulong, SortedSet<ulong>>>(); // ledger → payer → payees it waits to pay
        foreach (AccountRecord a in _accounts)
        {
            if (a.QueuedCount == 0) continue;
            for (int q = 0; q < 3; q++)
                foreach (int pi in a.Queues[q])
                {
                    ref PaymentRecord p = ref Payment(pi);
                    counts.TryGetValue(a.Ledger, out var c);
                    counts[a.Ledger] = (c.Payments + 1, c.Minor + p.Amount, c.Old + (p.SubmittedAt < submittedBeforeNs ? 1 : 0));
                    if (!waits.TryGetValue(a.Ledger, out var graph)) waits[a.Ledger] = graph = new();
                    if (!graph.TryGetValue(a.Participant, out var payees)) graph[a.Participant] = payees = new();
                    payees.Add(p.Payee);
                }
        }
        var ledgers = new List<LedgerQueues>(counts.Count);
        foreach (var (ledger, c) in counts) ledgers.Add(new LedgerQueues(ledger, c.Payments, c.Minor, c.Old, FindCircle(waits[ledger])));
        return ledgers;
    }

    /// <summary>A circle in "payer waits to pay payee" among payers that have queues (depth-first), or null.</summary>
    private static List<ulong>? FindCircle(SortedDictionary<ulong, SortedSet<ulong>> graph)
    {
        var state = new Dictionary<ulong, bool>(); // false: on the current path; true: done
        var path = new List<ulong>();
        List<ulong>? Visit(ulong node)
        {
            state[node] = false;
            path.Add(node);
            foreach (ulong next in graph[node])
            {
                if (!graph.ContainsKey(next)) continue; // a payee without a queue of its own does not wait
                if (state.TryGetValue(next, out bool done))
                {
                    if (!done) return path.GetRange(path.IndexOf(next), path.Count - path.IndexOf(next));
                    continue;
                }
                if (Visit(next) is { } found) return found;
            }
            state[node] = true;
            path.RemoveAt(path.Count - 1);
            return null;
        }
        foreach (ulong node in graph.Keys)
            if (!state.ContainsKey(node) && Visit(node) is { } circle) return circle;
        return null;
    }
}
