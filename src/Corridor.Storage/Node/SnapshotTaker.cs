using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Node;

/// <summary>
/// Takes the snapshots of an engine for the one thread that applies batches to it — a node's engine thread, or a standby's
/// following thread until it hands its replica over to the node it becomes: counts the events (commands' items) applied
/// since the last snapshot, replayed ones included; captures a consistent image when
/// <see cref="NodeOptions.SnapshotEveryEvents"/> of them were applied or one was asked for (<see cref="Soon"/>); and
/// writes each image on a thread of its own while the engine goes on. One image is written at a time. Only the applying
/// thread calls it; the write's thread touches only the image.
/// </summary>
internal sealed class SnapshotTaker(NodeOptions options, SnapshotStore store)
{
    private Task _write = Task.CompletedTask;
    private bool _soon;
    private readonly Lock _gate = new(); // the failure's listener, set by the applying thread, read by a write's
    private Action<Exception>? _failed;
    private Exception? _unheard; // a write that failed while no one listened

    /// <summary>Where captures and writes are counted: the node's metrics once a node runs the engine.</summary>
    public NodeMetrics Metrics { get; set; } = new();

    /// <summary>
    /// Whether images are written at the lowest CPU priority (a standby's: its writes must not take a core from the active
    /// node beside it, nor from its own following; a node's own are written at normal priority, as its stop waits for them).
    /// </summary>
    public bool AtLowestPriority { get; set; }

    /// <summary>Events applied since the last capture.</summary>
    public long EventsSinceSnapshot { get; private set; }

    /// <summary>The write in progress (completed when none).</summary>
    public Task Writing => _write;

    public void Count(long events) => EventsSinceSnapshot += events;

    /// <summary>Asks for a snapshot at the next <see cref="StartIfDue"/>, whatever the count.</summary>
    public void Soon() => _soon = true;

    private bool Due => _soon || (options.SnapshotEveryEvents > 0 && EventsSinceSnapshot >= options.SnapshotEveryEvents);

    /// <summary>
    /// Who hears of a write started by <see cref="StartIfDue"/> that fails (on the write's thread): whoever applies batches to
    /// the engine now — a standby, then the node it hands its replica to, which so hears of a write the standby started and
    /// that fails after the handover. Null: no one for now (a standby handing over); a failure meanwhile is told to the
    /// next listener as it starts listening.
    /// </summary>
    public void WhenWriteFails(Action<Exception>? failed)
    {
        Exception? unheard;
        lock (_gate)
        {
            _failed = failed;
            unheard = failed is null ? null : _unheard;
            if (unheard is not null) _unheard = null;
        }
        if (unheard is not null) failed!(unheard);
    }

    private void WriteFailed(Exception e)
    {
        Action<Exception>? failed;
        lock (_gate)
        {
            failed = _failed;
            if (failed is null) _unheard ??= e;
        }
        failed?.Invoke(e);
    }

    /// <summary>
    /// Captures an image and starts writing it when one is due and no other is being written (a later call tries again);
    /// the listener of <see cref="WhenWriteFails"/> hears of a write that failed.
    /// </summary>
    public void StartIfDue(Engine engine)
    {
        if (!Due || !_write.IsCompleted) return;
        Engine.EngineSnapshot image = Capture(engine);
        bool lowest = AtLowestPriority;
        _write = Task.Factory.StartNew(() =>
        {
            if (lowest) BackgroundPriority.LowerCurrentThread(BackgroundPriority.Lowest); // a thread of its own (long-running)
            try { Write(image); }
            catch (Exception e) { WriteFailed(e); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Waits for a write in progress, captures an image now and starts writing it; the returned task completes when it is
    /// durable (or fails, to its caller alone).
    /// </summary>
    public Task StartNow(Engine engine)
    {
        _write.GetAwaiter().GetResult();
        Engine.EngineSnapshot image = Capture(engine);
        Task write = Task.Factory.StartNew(() => Write(image), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _write = write.ContinueWith(static _ => { }, TaskScheduler.Default);
        return write;
    }

    /// <summary>Captures an image of the state (a delta against the last full snapshot when allowed and the store holds that base).</summary>
    public Engine.EngineSnapshot Capture(Engine engine)
    {
        long start = Stopwatch.GetTimestamp();
        // A delta only against a full snapshot this store still holds as it was written (the pruning keeps bases; an operator may not).
        bool incremental = options.IncrementalSnapshots && engine.SnapshotBaseFile is { } baseFile && store.Holds(baseFile);
        Engine.EngineSnapshot image = engine.CaptureSnapshot(incremental, options.MaxDeltaFraction);
        EventsSinceSnapshot = 0;
        _soon = false;
        Metrics.SnapshotCaptured(Stopwatch.GetElapsedTime(start));
        return image;
    }

    /// <summary>Writes a captured image to the store (durable on return) and releases it.</summary>
    public void Write(Engine.EngineSnapshot image)
    {
        var clock = Stopwatch.StartNew();
        try { image.Written(store.Write(image.Sequence, image.WriteTo, image.BaseFile)); }
        finally { image.Release(); }
        Metrics.Snapshotted(image.Sequence, clock.Elapsed, image.IsDelta, image.ContentBytes);
    }
}
