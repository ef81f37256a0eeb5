using Corridor.Core.Engine;

namespace Corridor.Storage.Node;

/// <summary>Counters and latency histograms of the write pipeline, read by /metrics and benchmarks.</summary>
public sealed class NodeMetrics
{
    private long _batches, _journalBytes, _requests, _events, _itemErrors, _rejected, _snapshots, _appliedSequence;
    private readonly long[] _eventsByOperation = new long[512];

    public LatencyHistogram FsyncLatency { get; } = new();
    public LatencyHistogram RequestLatency { get; } = new();
    public LatencyHistogram BatchRequests { get; } = new();

    public long Batches => Interlocked.Read(ref _batches);
    public long JournalBytes => Interlocked.Read(ref _journalBytes);
    public long Requests => Interlocked.Read(ref _requests);
    public long Events => Interlocked.Read(ref _events);
    public long ItemErrors => Interlocked.Read(ref _itemErrors);
    public long RejectedBusy => Interlocked.Read(ref _rejected);
    public long Snapshots => Interlocked.Read(ref _snapshots);
    public long AppliedSequence => Interlocked.Read(ref _appliedSequence);
    /// <summary>Time the last snapshot took to write (hash, write, fsync), on the snapshot's own thread.</summary>
    public TimeSpan LastSnapshotDuration { get; private set; }

    /// <summary>Time the engine paused for the last snapshot: capturing its image, before it went on with the next batch.</summary>
    public TimeSpan LastSnapshotCapture { get; private set; }

    private System.Diagnostics.Metrics.Histogram<double>? _fsyncSeconds, _requestSeconds;
    private System.Diagnostics.Metrics.Histogram<int>? _batchRequests;

    /// <summary>
    /// Also records fsync latency, submit-to-reply latency and requests per batch into histograms of <paramref name="meter"/>
    /// (System.Diagnostics.Metrics; exported by whatever listens, e.g. OpenTelemetry). Names are stable: dashboards read them.
    /// </summary>
    public void Instrument(System.Diagnostics.Metrics.Meter meter)
    {
        _fsyncSeconds = meter.CreateHistogram<double>("corridor.journal.fsync", "s", "Journal append + fsync latency per batch.",
            advice: new() { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _requestSeconds = meter.CreateHistogram<double>("corridor.engine.request", "s", "Time from submit to durable reply.",
            advice: new() { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _batchRequests = meter.CreateHistogram<int>("corridor.batch.requests", "{request}", "Requests merged per journal batch (group commit).",
            advice: new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 64, 256, 1024, 4096, 8192] });
    }

    public long EventsOf(Operation op) => (ushort)op < _eventsByOperation.Length ? Interlocked.Read(ref _eventsByOperation[(ushort)op]) : 0;

    internal void Journaled(int requests, int bytes, TimeSpan fsync)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _journalBytes, bytes);
        FsyncLatency.Record(fsync);
        BatchRequests.RecordValue(requests);
        _fsyncSeconds?.Record(fsync.TotalSeconds);
        _batchRequests?.Record(requests);
    }

    internal void Replied(Operation op, int count, int errors, TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _events, count);
        Interlocked.Add(ref _itemErrors, errors);
        if ((ushort)op < _eventsByOperation.Length) Interlocked.Add(ref _eventsByOperation[(ushort)op], count);
        RequestLatency.Record(latency);
        _requestSeconds?.Record(latency.TotalSeconds);
    }

    internal void Applied(long sequence) => Interlocked.Exchange(ref _appliedSequence, sequence);
    internal void Rejected() => Interlocked.Increment(ref _rejected);

    internal void SnapshotCaptured(TimeSpan pause) => LastSnapshotCapture = pause;

    internal void Snapshotted(long sequence, TimeSpan duration, bool delta, long contentBytes)
    {
        _ = sequence;
        Interlocked.Increment(ref _snapshots);
        if (delta) Interlocked.Increment(ref _deltaSnapshots);
        LastSnapshotDuration = duration;
        LastSnapshotBytes = contentBytes;
        LastSnapshotWasDelta = delta;
    }

    private long _deltaSnapshots;

    /// <summary>Snapshots written as deltas against a full one (incremental), of all <see cref="Snapshots"/>.</summary>
    public long DeltaSnapshots => Interlocked.Read(ref _deltaSnapshots);

    /// <summary>Content bytes of the last snapshot written.</summary>
    public long LastSnapshotBytes { get; private set; }

    /// <summary>Whether the last snapshot written was a delta.</summary>
    public bool LastSnapshotWasDelta { get; private set; }
}

/// <summary>
/// Log-linear histogram (4 sub-buckets per power of two) of microsecond values: constant memory,
/// lock-free recording, percentiles within ~19%. Good enough for p50/p99 of latencies.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 4;
    private readonly long[] _counts = new long[64 * SubBuckets];
    private long _count;
    private long _sumMicros;

    public long Count => Interlocked.Read(ref _count);
    public double SumSeconds => Interlocked.Read(ref _sumMicros) / 1e6;

    public void Record(TimeSpan elapsed) => RecordValue((long)(elapsed.Ticks / 10.0));

    public void RecordValue(long value)
    {
        if (value < 0) value = 0;
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, value);
    }

    private static int BucketOf(long value)
    {
        if (value < SubBuckets) return (int)value;
        int log = 63 - (int)long.LeadingZeroCount(value);
        int sub = (int)((value >> (log - 2)) & (SubBuckets - 1));
        return log * SubBuckets + sub;
    }

    private static long UpperBoundOf(int bucket)
    {
        if (bucket < SubBuckets) return bucket;
        int log = bucket / SubBuckets, sub = bucket % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << (log - 2)) - 1;
    }

    /// <summary>Value at quantile <paramref name="q"/> (0..1), as the upper bound of its bucket.</summary>
    public long Quantile(double q)
    {
        long total = Count;
        if (total == 0) return 0;
        long rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (int b = 0; b < _counts.Length; b++)
        {
            seen += Interlocked.Read(ref _counts[b]);
            if (seen >= rank) return UpperBoundOf(b);
        }
        return UpperBoundOf(_counts.Length - 1);
    }

    /// <summary>
    /// The non-empty buckets, ascending: each bucket's upper bound (microseconds, inclusive) and how many values fell in it
    /// since start. Two readings subtracted bucket by bucket give the distribution of the values recorded between them.
    /// </summary>
    public (long UpperBound, long Count)[] Buckets()
    {
        var found = new List<(long, long)>();
        for (int b = 0; b < _counts.Length; b++)
        {
            long n = Interlocked.Read(ref _counts[b]);
            if (n != 0) found.Add((UpperBoundOf(b), n));
        }
        return found.ToArray();
    }

    /// <summary>Cumulative counts at the given upper bounds (Prometheus histogram buckets).</summary>
    public long CountAtOrBelow(long bound)
    {
        long seen = 0;
        for (int b = 0; b < _counts.Length && UpperBoundOf(b) <= bound; b++) seen += Interlocked.Read(ref _counts[b]);
        return seen;
    }
}
