using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Corridor.Client;
using Corridor.Server.Auth;
using Corridor.Server.Endpoints;
using Corridor.Server.Http;
using Corridor.Storage.ReadModel;

namespace Corridor.Server.Events;

/// <summary>One open event stream: who it serves and its bounded queue of server-sent-event frames.</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<string> _frames = Channel.CreateBounded<string>(new BoundedChannelOptions(EventHub.MaxQueuedFrames)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });

    internal EventSubscription(EventHub hub, long id, Caller caller)
    {
        _hub = hub;
        Id = id;
        Caller = caller;
    }

    internal long Id { get; }
    public Caller Caller { get; }
    public ChannelReader<string> Frames => _frames.Reader;

    /// <summary>True when the reader fell <see cref="EventHub.MaxQueuedFrames"/> behind: the queue was completed and the stream ends (the client reloads).</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Queues a frame without blocking the publisher; a full queue ends the stream instead of growing.</summary>
    internal void Offer(string frame)
    {
        if (_frames.Writer.TryWrite(frame)) return;
        Overflowed = true;
        _frames.Writer.TryComplete();
    }

    public void Dispose() => _hub.Remove(Id);
}

/// <summary>
/// Pushes what changed to open event streams, each scoped as the API scopes reads: <c>payment</c> (a payment's record as
/// <c>GET /v1/payments</c> answers it) to its payer, its payee and operator users; <c>account</c> (balances) to the owner and
/// operator users; <c>day</c> (phase and counters, as <c>GET /v1/day</c>) to everyone; <c>changed</c> (journal sequence) to
/// operator users. Payments and balances come from the read-model projector after each committed write (so a client that
/// reacts by reading the read model finds them); the day is read from the engine every <see cref="PollMs"/> while a stream is open.
/// </summary>
public sealed class EventHub : IDisposable
{
    /// <summary>Most streams open at once (503 <c>events.too_many_streams</c> beyond).</summary>
    public const int MaxStreams = 1_000;
    /// <summary>Most frames waiting for one slow reader before its stream is ended.</summary>
    public const int MaxQueuedFrames = 4_096;
    /// <summary>How often the day status and journal sequence are compared while streams are open.</summary>
    public const int PollMs = 250;

    private readonly NodeGateway _gw;
    private readonly ConcurrentDictionary<long, EventSubscription> _streams = new();
    private readonly Timer _timer;
    private long _nextId;
    private int _polling;
    private string? _lastDay;
    private string? _lastDayKey;
    private long _lastSequence = -1;

    public EventHub(NodeGateway gw)
    {
        _gw = gw;
        _timer = new Timer(_ => _ = PollAsync(), null, PollMs, PollMs);
    }

    public int OpenStreams => _streams.Count;

    /// <summary>Opens a stream for an admitted caller; its first frame is the current day (once known).</summary>
    public EventSubscription Subscribe(Caller caller)
    {
        if (_streams.Count >= MaxStreams) throw new ApiException(503, "events.too_many_streams", $"{MaxStreams} event streams are open; poll the API instead");
        var s = new EventSubscription(this, Interlocked.Increment(ref _nextId), caller);
        _streams[s.Id] = s;
        if (Volatile.Read(ref _lastDay) is { } day) s.Offer(day);
        return s;
    }

    internal void Remove(long id) => _streams.TryRemove(id, out _);

    /// <summary>The projector's committed write (projector thread; never blocks): payments and balances to the streams that may see them.</summary>
    public void OnProjected(ReadModelBatch batch)
    {
        if (_streams.IsEmpty) return;
        foreach (PaymentRow p in batch.Payments)
        {
            string? frame = null;
            foreach (EventSubscription s in _streams.Values)
                if (s.Caller.IsOperator || s.Caller.ParticipantId == p.Payer || s.Caller.ParticipantId == p.Payee)
                    s.Offer(frame ??= Frame("payment", ReadModelEndpoints.ToRecord(p)));
        }
        foreach (AccountRow a in batch.Accounts)
        {
            string? frame = null;
            foreach (EventSubscription s in _streams.Values)
                if (s.Caller.IsOperator || s.Caller.ParticipantId == a.Participant)
                    s.Offer(frame ??= Frame("account", new AccountEventDto(Ids.Format(a.Id), a.Ledger, a.Participant,
                        a.DebitsPendingMinor, a.DebitsPostedMinor, a.CreditsPendingMinor, a.CreditsPostedMinor)));
        }
    }

    private async Task PollAsync()
    {
        if (_streams.IsEmpty || _gw.NodeOrNull is not { } node || Interlocked.Exchange(ref _polling, 1) == 1) return;
        try
        {
            DayDto dto = Wire.ToDto(await node.QueryAsync(e => e.GetDayStatus()), _gw.Clock());
            // The countdown alone is no change (the console counts down from next_cutoff_at): compare the day without it.
            string key = Frame("day", dto with { SecondsToNextCutoff = null });
            if (key != _lastDayKey)
            {
                _lastDayKey = key;
                string day = Frame("day", dto);
                Volatile.Write(ref _lastDay, day);
                foreach (EventSubscription s in _streams.Values) s.Offer(day);
            }
            long sequence = node.Journal.LastSequence;
            if (sequence != _lastSequence)
            {
                _lastSequence = sequence;
                string changed = Frame("changed", new ChangedEventDto(sequence));
                foreach (EventSubscription s in _streams.Values) if (s.Caller.IsOperator) s.Offer(changed);
            }
        }
        catch (Exception e) when (e is Storage.Node.NodeStoppedException or Storage.Node.NodeBusyException or ObjectDisposedException or InvalidOperationException)
        {
            // Busy: the next poll tries again. Stopped or stopping: streams end with the server.
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <summary>One server-sent event: <c>event: name</c>, one <c>data:</c> line of JSON (it never holds a newline), a blank line.</summary>
    public static string Frame<T>(string name, T data) => "event: " + name + "\ndata: " + JsonSerializer.Serialize(data, CorridorJson.Options) + "\n\n";

    public void Dispose() => _timer.Dispose();
}
