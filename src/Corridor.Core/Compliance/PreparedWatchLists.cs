namespace Corridor.Core.Compliance;

/// <summary>
/// Watch lists parsed and screening indexes built ahead of the engine: by the endpoint that receives a list (before its
/// LoadWatchList command is journaled), before a threshold change, or after a restart. Parsing a list and building its
/// <see cref="Screener"/> are pure functions of the list's text and the threshold (seconds for 100,000 entries), so the
/// engine may take a result prepared on another thread instead of doing the same work itself: the state, its hash and
/// every screening result are the same either way. Without a prepared result (replay, a standby, a load that did not go
/// through an endpoint) the engine parses at load and builds the index on first use, as it always did.
/// Thread-safe: writers are the rim's threads, the reader is the engine. Holds at most <see cref="MaxPreparedLists"/> parsed
/// lists and <see cref="MaxPreparedScreeners"/> indexes; the oldest is dropped first (a prepared result nobody takes costs
/// memory, never correctness).
/// </summary>
public sealed class PreparedWatchLists
{
    /// <summary>Bound on parsed lists waiting for their LoadWatchList (loads are one at a time in practice).</summary>
    public const int MaxPreparedLists = 4;

    /// <summary>Bound on indexes waiting to be taken: one per list in force (after a restart every list needs one).</summary>
    public const int MaxPreparedScreeners = ComplianceState.MaxWatchLists;

    private readonly object _gate = new();
    private readonly List<(LoadWatchList Command, WatchListParseResult Parsed)> _lists = new(MaxPreparedLists);
    private readonly List<(string ContentHash, int Threshold, Lazy<Screener> Screener)> _screeners = new();
    private long _listsTaken, _screenersTaken;

    /// <summary>Lists the engine took already parsed (it did not parse them itself).</summary>
    public long ListsTaken => Interlocked.Read(ref _listsTaken);

    /// <summary>Screening indexes the engine took already built (it did not build them itself).</summary>
    public long ScreenersTaken => Interlocked.Read(ref _screenersTaken);

    /// <summary>
    /// Parses <paramref name="command"/>'s text exactly as the engine's LoadWatchList does and keeps the result for it.
    /// Returns the result, so the caller can go on to <see cref="PrepareScreener"/> with the parsed list.
    /// </summary>
    public WatchListParseResult PrepareList(LoadWatchList command)
    {
        ArgumentNullException.ThrowIfNull(command);
        WatchListParseResult parsed = ComplianceState.Parse(command.Format, command.Text, command.Name, command.VersionLabel);
        lock (_gate)
        {
            if (_lists.Count == MaxPreparedLists) _lists.RemoveAt(0);
            _lists.Add((command, parsed));
        }
        return parsed;
    }

    /// <summary>
    /// Builds the screening index of <paramref name="list"/> at <paramref name="threshold"/> on the calling thread and keeps
    /// it for the engine. When the same index is already prepared or being built, waits for that one instead.
    /// </summary>
    public void PrepareScreener(WatchList list, int threshold) => _ = Reserve(list, threshold).Value;

    /// <summary>
    /// Announces that the index of <paramref name="list"/> at <paramref name="threshold"/> is about to be prepared: from now on
    /// the engine waits for that build (by <see cref="PrepareScreener"/>, on whichever thread calls it) rather than starting its own.
    /// </summary>
    public void ReserveScreener(WatchList list, int threshold) => Reserve(list, threshold);

    private Lazy<Screener> Reserve(WatchList list, int threshold)
    {
        ArgumentNullException.ThrowIfNull(list);
        lock (_gate)
        {
            int found = Find(list.ContentHash, threshold);
            if (found >= 0) return _screeners[found].Screener;
            if (_screeners.Count == MaxPreparedScreeners) _screeners.RemoveAt(0);
            var screener = new Lazy<Screener>(() => new Screener(list, threshold), LazyThreadSafetyMode.ExecutionAndPublication);
            _screeners.Add((list.ContentHash, threshold, screener));
            return screener;
        }
    }

    /// <summary>The parse result prepared for exactly this command (name, format, version label and text), removed from the cache.</summary>
    internal bool TryTakeList(LoadWatchList command, out WatchListParseResult parsed)
    {
        lock (_gate)
        {
            for (int i = 0; i < _lists.Count; i++)
            {
                LoadWatchList c = _lists[i].Command;
                if (c.Format == command.Format && c.Name == command.Name && c.VersionLabel == command.VersionLabel
                    && string.Equals(c.Text, command.Text, StringComparison.Ordinal))
                {
                    parsed = _lists[i].Parsed;
                    _lists.RemoveAt(i);
                    _listsTaken++;
                    return true;
                }
            }
        }
        parsed = null!;
        return false;
    }

    /// <summary>
    /// The index prepared for this list content and threshold, removed from the cache; waits when another thread is still
    /// building it (no work is done twice). Null when none was prepared.
    /// </summary>
    internal Screener? TryTakeScreener(string contentHash, int threshold)
    {
        Lazy<Screener> screener;
        lock (_gate)
        {
            int found = Find(contentHash, threshold);
            if (found < 0) return null;
            screener = _screeners[found].Screener;
            _screeners.RemoveAt(found);
            _screenersTaken++;
        }
        return screener.Value;
    }

    private int Find(string contentHash, int threshold)
    {
        for (int i = 0; i < _screeners.Count; i++)
            if (_screeners[i].Threshold == threshold && _screeners[i].ContentHash == contentHash) return i;
        return -1;
    }
}
