namespace Corridor.Simulation.Faults;

/// <summary>Rates of the faults a <see cref="SimulatedNetwork"/> injects; each a probability per message or per step.</summary>
public sealed record NetworkFaults
{
    /// <summary>A message is lost (a request that never arrives, an answer that never comes back).</summary>
    public double Drop { get; init; }

    /// <summary>A message arrives twice (a proxy's retry, a client that resends after a timeout it did not notice).</summary>
    public double Duplicate { get; init; }

    /// <summary>Each copy is delayed 1 … this many ms; independent delays reorder messages.</summary>
    public int MaxDelayMs { get; init; } = 50;

    /// <summary>Per step, a partition starts: one direction or both cut for 1 … <see cref="MaxPartitionMs"/>.</summary>
    public double PartitionPerStep { get; init; }

    public int MaxPartitionMs { get; init; } = 20_000;

    public override string ToString() =>
        $"drop {Drop:0.###}, duplicate {Duplicate:0.###}, delay ≤ {MaxDelayMs} ms, partition per step {PartitionPerStep:0.###} (≤ {MaxPartitionMs} ms)";
}

/// <summary>
/// One message on the simulated link between two nodes: the ISO 20022 bytes, the exchange (request and answer) it belongs
/// to, and the incarnation of the node that asked (an answer reaches only the process that is still waiting for it).
/// <see cref="Part"/> numbers the requests of one exchange (a retry's pacs.028, then its resends): an answer reaches only
/// the request still waiting for it, as an HTTP response does.
/// </summary>
internal sealed record NetworkMessage(int From, int To, byte[] Xml, long Exchange, int AskerIncarnation, bool IsAnswer, string What, int Part = 0)
{
    /// <summary>An answer that refuses the request (what an HTTP error status is on a real link): no pacs.002.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// The link between the two nodes of a <see cref="FederationSimulator"/> seed: it drops, duplicates, delays (and so
/// reorders) messages and cuts one direction or both for a while, all from the seed's random stream and the simulated clock.
/// </summary>
internal sealed class SimulatedNetwork(NetworkFaults faults, Action<string> trace)
{
    private readonly List<(long AtMs, long Order, NetworkMessage Message)> _inFlight = new();
    private readonly long[] _cutUntilMs = new long[2]; // by sender: its messages are lost until then
    private long _order;

    public NetworkFaults Faults { get; set; } = faults;
    public int Sent { get; private set; }
    public int Dropped { get; private set; }
    public int Duplicated { get; private set; }
    public int Partitions { get; private set; }
    public int InFlight => _inFlight.Count;

    private static string Name(int node) => node == 0 ? "A" : "B";

    public bool IsCut(int from, long nowMs) => nowMs < _cutUntilMs[from];

    public void Send(ref Xoshiro256 random, long nowMs, NetworkMessage m)
    {
        Sent++;
        string what = $"{Name(m.From)}→{Name(m.To)} {m.What} (exchange {m.Exchange})";
        if (IsCut(m.From, nowMs)) { Dropped++; trace($"  net: {what} lost in the partition"); return; }
        if (random.NextDouble() < Faults.Drop) { Dropped++; trace($"  net: {what} dropped"); return; }
        long at = nowMs + 1 + random.NextInt(Faults.MaxDelayMs);
        _inFlight.Add((at, _order++, m));
        if (random.NextDouble() < Faults.Duplicate)
        {
            Duplicated++;
            long again = nowMs + 1 + random.NextInt(Faults.MaxDelayMs * 4);
            _inFlight.Add((again, _order++, m));
            trace($"  net: {what} sent, arrives at +{at - nowMs} ms and again at +{again - nowMs} ms");
        }
        else trace($"  net: {what} sent, arrives at +{at - nowMs} ms");
    }

    /// <summary>A message sent and lost on the way, by the caller's own draw (<see cref="Send"/> draws its faults from the seed's stream).</summary>
    public void Lose(NetworkMessage m, string why)
    {
        Sent++;
        Dropped++;
        trace($"  net: {Name(m.From)}→{Name(m.To)} {m.What} (exchange {m.Exchange}) {why}");
    }

    /// <summary>Maybe starts a partition (one direction or both).</summary>
    public void MaybePartition(ref Xoshiro256 random, long nowMs)
    {
        if (Faults.PartitionPerStep <= 0 || random.NextDouble() >= Faults.PartitionPerStep) return;
        int direction = random.NextInt(3); // 0: A's messages lost, 1: B's, 2: both
        long until = nowMs + 1 + random.NextInt(Faults.MaxPartitionMs);
        if (direction != 1) _cutUntilMs[0] = Math.Max(_cutUntilMs[0], until);
        if (direction != 0) _cutUntilMs[1] = Math.Max(_cutUntilMs[1], until);
        Partitions++;
        trace($"  net: partition for {until - nowMs} ms: {(direction == 0 ? "A→B cut" : direction == 1 ? "B→A cut" : "both directions cut")}");
    }

    /// <summary>The messages due by <paramref name="nowMs"/>, in arrival order; those whose sender is cut at arrival are lost.</summary>
    public List<NetworkMessage> Due(long nowMs)
    {
        var due = new List<(long AtMs, long Order, NetworkMessage Message)>();
        for (int i = _inFlight.Count - 1; i >= 0; i--)
            if (_inFlight[i].AtMs <= nowMs) { due.Add(_inFlight[i]); _inFlight.RemoveAt(i); }
        due.Sort((x, y) => x.AtMs != y.AtMs ? x.AtMs.CompareTo(y.AtMs) : x.Order.CompareTo(y.Order));
        var result = new List<NetworkMessage>(due.Count);
        foreach (var (at, _, m) in due)
        {
            if (at < _cutUntilMs[m.From]) { Dropped++; trace($"  net: {Name(m.From)}→{Name(m.To)} {m.What} (exchange {m.Exchange}) lost in the partition"); continue; }
            result.Add(m);
        }
        return result;
    }

    /// <summary>The partition heals and the link stops losing messages (it still delays, reorders and duplicates).</summary>
    public void Heal()
    {
        _cutUntilMs[0] = _cutUntilMs[1] = 0;
        Faults = Faults with { Drop = 0, PartitionPerStep = 0 };
    }
}
