using System.Collections.Immutable;
using System.Diagnostics;

namespace Corridor.Core.Compliance;

/// <summary>Which payment field a name came from.</summary>
public enum ScreenedField : byte
{
    OriginatorName = 1,
    BeneficiaryName = 2,
}

/// <summary>Overall screening outcome. Anything but <see cref="Clear"/> must stop automatic settlement.</summary>
public enum ScreeningStatus : byte
{
    /// <summary>Every party was screened and no name scored at or above the threshold.</summary>
    Clear = 0,
    /// <summary>At least one hit: the payment needs a human decision.</summary>
    PotentialMatch = 1,
    /// <summary>A party has no name that screening can read (missing, or nothing left after normalisation).</summary>
    Unscreenable = 2,
}

/// <summary>Whether the party's date of birth agrees with the entry's (a secondary identifier; it never lowers the score).</summary>
public enum DateOfBirthAgreement : byte
{
    Unknown = 0,
    Match = 1,
    Mismatch = 2,
}

/// <summary>One name on the payment that matched one watch-list entry.</summary>
public readonly record struct ScreeningHit(
    string EntryId,
    string MatchedName,
    int Score,
    ScreenedField Field,
    string ScreenedName,
    DateOfBirthAgreement DateOfBirth,
    string Program);

/// <summary>
/// Result of screening a payment's parties. Hits are ordered by score (descending), entry id (ordinal),
/// field. <see cref="WatchListHash"/> and <see cref="Threshold"/> make the decision reproducible.
/// </summary>
public sealed record ScreeningResult(
    ScreeningStatus Status,
    ImmutableArray<ScreeningHit> Hits,
    ImmutableArray<ScreenedField> Unscreenable,
    string WatchListHash,
    int Threshold,
    bool HitsTruncated)
{
    public bool IsClear => Status == ScreeningStatus.Clear;
}

/// <summary>
/// Screens names against one watch list version. Built once per list (index of blocking keys to names),
/// then <see cref="Screen(PartyInfo?, PartyInfo?)"/> is pure: same list, threshold and input give the same
/// result, whatever the order of the list's entries. Thread-safe for concurrent screening.
/// </summary>
public sealed class Screener
{
    /// <summary>Default hit threshold on the 0..100 score.</summary>
    public const int DefaultThreshold = 85;

    /// <summary>Hits kept per screened name (best first); more sets <see cref="ScreeningResult.HitsTruncated"/>.</summary>
    public const int MaxHitsPerName = 100;

    private readonly NameForm[] _forms;
    private readonly int[] _entryOfForm;
    private readonly int[] _canonicalOfForm;

    // Blocking index. Keys are ranked rarest first (fewest forms, then ordinal); each form keeps its keys as
    // sorted ranks. Above PartialMatchCap a form with two or more keys must share two keys with the query,
    // so it is indexed under each pair of its MaxPairKeys rarest keys: one lookup per query key pair finds
    // exactly the forms sharing that pair, and common given names ("mohammed", "kim") cost nothing alone.
    // At or below the cap one shared key is enough and forms are indexed under every key.
    private readonly Dictionary<string, int> _rankOfKey;
    private readonly int[][] _formKeyRanks;
    private readonly Dictionary<long, PairPostings> _pairPostings;  // (rank a << 32 | rank b), a < b: forms with both keys
    private readonly int[][] _multiKeyPostings;             // by rank, only when one shared key suffices
    private readonly int[][] _singleKeyPostings;            // by rank: forms with one key
    private readonly int _overlapRequired;

    /// <summary>Keys per name that enter pair blocking (names have at most this many significant tokens in practice).</summary>
    public const int MaxPairKeys = 8;

    public WatchList WatchList { get; }
    public int Threshold { get; }

    /// <summary>Number of indexed name forms (names, aliases and their script variants).</summary>
    public int IndexedNames => _forms.Length;

    public Screener(WatchList watchList, int threshold = DefaultThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 100);
        WatchList = watchList;
        Threshold = threshold;
        // Above PartialMatchCap a multi-key form needs two shared keys to score; at or below, one.
        _overlapRequired = threshold > NameMatcher.PartialMatchCap ? 2 : 1;

        var forms = new List<NameForm>();
        var entryOf = new List<int>();
        for (int e = 0; e < watchList.Entries.Length; e++)
        {
            foreach (var name in watchList.Entries[e].Names)
            {
                foreach (var form in NameForm.Variants(name))
                {
                    forms.Add(form);
                    entryOf.Add(e);
                }
            }
        }
        _forms = [.. forms];
        _entryOfForm = [.. entryOf];
        // Forms with the same tokens score the same: score one per query ("Wang Wei" is listed many times).
        var firstWithTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        _canonicalOfForm = new int[_forms.Length];
        for (int f = 0; f < _forms.Length; f++)
        {
            string tokens = string.Join(' ', _forms[f].Tokens);
            if (!firstWithTokens.TryGetValue(tokens, out int first)) firstWithTokens.Add(tokens, first = f);
            _canonicalOfForm[f] = first;
        }

        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var form in _forms)
        {
            foreach (var key in form.Keys) frequency[key] = frequency.GetValueOrDefault(key) + 1;
        }
        var ranked = new string[frequency.Count];
        var counts = new int[frequency.Count];
        int next = 0;
        foreach (var (key, count) in frequency)
        {
            ranked[next] = key;
            counts[next++] = count;
        }
        // Rarest first; equal counts in ordinal key order, so ranks do not depend on entry order.
        Array.Sort(counts, ranked);
        for (int start = 0; start < counts.Length;)
        {
            int end = start + 1;
            while (end < counts.Length && counts[end] == counts[start]) end++;
            Array.Sort(ranked, start, end - start, StringComparer.Ordinal);
            start = end;
        }
        _rankOfKey = new Dictionary<string, int>(ranked.Length, StringComparer.Ordinal);
        for (int r = 0; r < ranked.Length; r++) _rankOfKey.Add(ranked[r], r);

        var multi = new List<int>[ranked.Length];
        var single = new List<int>[ranked.Length];
        var pairs = new Dictionary<long, List<int>>();
        _formKeyRanks = new int[_forms.Length][];
        for (int f = 0; f < _forms.Length; f++)
        {
            var keys = _forms[f].Keys;
            var ranks = new int[keys.Length];
            for (int k = 0; k < keys.Length; k++) ranks[k] = _rankOfKey[keys[k]];
            Array.Sort(ranks);
            _formKeyRanks[f] = ranks;
            if (ranks.Length == 1)
            {
                (single[ranks[0]] ??= []).Add(f);
            }
            else if (_overlapRequired == 1)
            {
                foreach (int r in ranks) (multi[r] ??= []).Add(f);
            }
            else
            {
                int n = Math.Min(ranks.Length, MaxPairKeys);
                for (int i = 0; i < n; i++)
                {
                    for (int j = i + 1; j < n; j++)
                    {
                        long pair = PairOf(ranks[i], ranks[j]);
                        if (!pairs.TryGetValue(pair, out var list)) pairs.Add(pair, list = []);
                        list.Add(f);
                    }
                }
            }
        }
        _multiKeyPostings = new int[ranked.Length][];
        _singleKeyPostings = new int[ranked.Length][];
        for (int r = 0; r < ranked.Length; r++)
        {
            _multiKeyPostings[r] = multi[r] is { } m ? [.. m] : [];
            _singleKeyPostings[r] = single[r] is { } s ? [.. s] : [];
        }
        _pairPostings = new Dictionary<long, PairPostings>(pairs.Count);
        foreach (var (pair, list) in pairs)
        {
            var exact = new List<int>(list.Count);
            var others = new List<PairPosting>();
            foreach (int f in list)
            {
                double cover = _forms[f].CoverageBound(2);
                if (_formKeyRanks[f].Length == 2 && cover == 1.0) exact.Add(f);
                else others.Add(new PairPosting(f, _formKeyRanks[f].Length, (float)cover));
            }
            _pairPostings.Add(pair, new PairPostings([.. exact], [.. others]));
        }
    }

    private static long PairOf(int lowerRank, int higherRank) => (long)lowerRank << 32 | (uint)higherRank;

    /// <summary>Screens originator and beneficiary names of one payment.</summary>
    public ScreeningResult Screen(PartyInfo? originator, PartyInfo? beneficiary)
    {
        var hits = Scratch.For(_forms.Length).Hits;
        hits.Clear();
        int unscreenable = 0;
        bool truncated = ScreenInto(originator, ScreenedField.OriginatorName, hits, ref unscreenable);
        truncated |= ScreenInto(beneficiary, ScreenedField.BeneficiaryName, hits, ref unscreenable);
        return Finish(hits, unscreenable, truncated);
    }

    /// <summary>Screens one party's name.</summary>
    public ScreeningResult Screen(PartyInfo? party, ScreenedField field)
    {
        var hits = Scratch.For(_forms.Length).Hits;
        hits.Clear();
        int unscreenable = 0;
        bool truncated = ScreenInto(party, field, hits, ref unscreenable);
        return Finish(hits, unscreenable, truncated);
    }

    /// <summary>Screens a bare name; hits ordered by score (descending) then entry id.</summary>
    public ImmutableArray<ScreeningHit> ScreenName(string name, ScreenedField field = ScreenedField.OriginatorName, DateOnly? dateOfBirth = null)
    {
        var hits = Scratch.For(_forms.Length).Hits;
        hits.Clear();
        ScreenName(name, field, dateOfBirth, hits);
        return ToSortedArray(hits);
    }

    // Unscreenable fields by bit mask (bit 0 originator, bit 1 beneficiary): no allocation per result.
    private static readonly ImmutableArray<ScreenedField>[] s_unscreenable =
        [[], [ScreenedField.OriginatorName], [ScreenedField.BeneficiaryName], [ScreenedField.OriginatorName, ScreenedField.BeneficiaryName]];

    private ScreeningResult Finish(List<ScreeningHit> hits, int unscreenable, bool truncated)
    {
        var status = hits.Count > 0 ? ScreeningStatus.PotentialMatch
            : unscreenable != 0 ? ScreeningStatus.Unscreenable
            : ScreeningStatus.Clear;
        if (status == ScreeningStatus.Clear && !truncated) return _clear ??= new ScreeningResult(status, [], [], WatchList.ContentHash, Threshold, false);
        return new ScreeningResult(status, ToSortedArray(hits), s_unscreenable[unscreenable], WatchList.ContentHash, Threshold, truncated);
    }

    // The result of every clear screening against this list (most payments): a record, immutable, so payments share it.
    private ScreeningResult? _clear;

    private static ImmutableArray<ScreeningHit> ToSortedArray(List<ScreeningHit> hits)
    {
        if (hits.Count == 0) return [];
        hits.Sort(CompareHits);
        return [.. hits];
    }

    private bool ScreenInto(PartyInfo? party, ScreenedField field, List<ScreeningHit> hits, ref int unscreenable)
    {
        int bit = field == ScreenedField.OriginatorName ? 1 : 2;
        if (party is null || string.IsNullOrWhiteSpace(party.Name))
        {
            unscreenable |= bit;
            return false;
        }
        int result = ScreenName(party.Name, field, party.DateOfBirth, hits);
        if (result < 0) unscreenable |= bit;
        return result > MaxHitsPerName;
    }

    private static int CompareHits(ScreeningHit x, ScreeningHit y)
    {
        int c = y.Score.CompareTo(x.Score);
        if (c != 0) return c;
        c = string.CompareOrdinal(x.EntryId, y.EntryId);
        if (c != 0) return c;
        return x.Field.CompareTo(y.Field);
    }

    /// <summary>Adds the hits for one name; returns the hit count before truncation, or -1 when unscreenable.</summary>
    private int ScreenName(string name, ScreenedField field, DateOnly? dateOfBirth, List<ScreeningHit> output)
    {
        var scratch = Scratch.For(_forms.Length);
        NameForm[] variants = scratch.VariantsOf(name);
        if (variants.Length == 0) return -1;
        // best score and form per entry
        var best = scratch.BestByEntry;
        best.Clear();
        foreach (var query in variants)
        {
            FindCandidates(query, scratch);
            int scoreStamp = scratch.NextStamp();
            foreach (int f in scratch.Candidates)
            {
                int canonical = _canonicalOfForm[f];
                int score;
                if (scratch.ScoreStamps[canonical] == scoreStamp)
                {
                    score = scratch.Scores[canonical];
                }
                else
                {
                    score = NameMatcher.Score(query, _forms[canonical]);
                    scratch.ScoreStamps[canonical] = scoreStamp;
                    scratch.Scores[canonical] = score;
                }
                if (score < Threshold) continue;
                int entry = _entryOfForm[f];
                if (!best.TryGetValue(entry, out var current) || score > current.Score
                    || score == current.Score && string.CompareOrdinal(_forms[f].Original, _forms[current.Form].Original) < 0)
                {
                    best[entry] = (score, f);
                }
            }
        }

        int count = best.Count;
        if (count == 0) return 0;
        var found = new List<ScreeningHit>(count);
        foreach (var (entryIndex, (score, form)) in best)
        {
            var entry = WatchList.Entries[entryIndex];
            found.Add(new ScreeningHit(entry.Id, _forms[form].Original, score, field, name, Agreement(dateOfBirth, entry), entry.Program));
        }
        if (found.Count > MaxHitsPerName)
        {
            found.Sort(CompareHits);
            found.RemoveRange(MaxHitsPerName, found.Count - MaxHitsPerName);
        }
        output.AddRange(found); // the caller sorts all hits
        return count;
    }

    private static DateOfBirthAgreement Agreement(DateOnly? dateOfBirth, WatchListEntry entry)
    {
        if (dateOfBirth is not { } date || entry.DatesOfBirth.IsDefaultOrEmpty) return DateOfBirthAgreement.Unknown;
        foreach (var d in entry.DatesOfBirth)
        {
            if (d.Agrees(date)) return DateOfBirthAgreement.Match;
        }
        return DateOfBirthAgreement.Mismatch;
    }

    /// <summary>
    /// Fills scratch.Candidates with the forms worth scoring: single-key forms sharing a key with the query,
    /// and multi-key forms sharing the required number of keys, whose optimistic score
    /// (<see cref="NameForm.CoverageBound"/>) reaches the threshold.
    /// </summary>
    private void FindCandidates(NameForm query, Scratch scratch)
    {
        var candidates = scratch.Candidates;
        candidates.Clear();
        var keys = query.Keys;
        Span<int> ranks = stackalloc int[keys.Length];
        int known = 0;
        foreach (var key in keys)
        {
            if (_rankOfKey.TryGetValue(key, out int rank)) ranks[known++] = rank;
        }
        ranks = ranks[..known];
        ranks.Sort();
        // A single-key form shares at most one key; skip them all when even a perfect one cannot reach the threshold.
        if (Bound(query.CoverageBound(1), 1.0) + 1e-9 >= Threshold)
        {
            foreach (int rank in ranks)
            {
                foreach (int f in _singleKeyPostings[rank]) AddIfPromising(query, f, 1, candidates);
            }
        }

        int stamp = scratch.NextStamp();
        if (_overlapRequired == 1)
        {
            foreach (int rank in ranks) Probe(query, ranks, _multiKeyPostings[rank], stamp, scratch);
            return;
        }
        int n = Math.Min(ranks.Length, MaxPairKeys);
        double queryCover2 = query.CoverageBound(2);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (_pairPostings.TryGetValue(PairOf(ranks[i], ranks[j]), out var posting)) ProbePairs(query, queryCover2, ranks, posting, stamp, scratch);
            }
        }
    }

    // Pair postings carry what the filter needs, so that entries are decided without touching the form.
    // Two-key forms share exactly the pair and sit in no other pair posting, so need no de-duplication;
    // those whose two keys cover the whole name (Exact) are all candidates or none.
    private void ProbePairs(NameForm query, double queryCover2, ReadOnlySpan<int> queryRanks, PairPostings posting, int stamp, Scratch scratch)
    {
        if (posting.Exact.Length > 0 && Bound(queryCover2, 1.0) + 1e-9 >= Threshold) scratch.Candidates.AddRange(posting.Exact);
        foreach (var p in posting.Others)
        {
            if (p.KeyCount == 2)
            {
                if (Bound(queryCover2, p.CoverBound2) + 1e-6 >= Threshold) scratch.Candidates.Add(p.Form);
                continue;
            }
            if (scratch.Stamps[p.Form] == stamp) continue;
            scratch.Stamps[p.Form] = stamp;
            int shared = SharedCount(queryRanks, _formKeyRanks[p.Form]);
            AddIfPromising(query, p.Form, shared, scratch.Candidates);
        }
    }

    private void Probe(NameForm query, ReadOnlySpan<int> queryRanks, int[] posting, int stamp, Scratch scratch)
    {
        foreach (int f in posting)
        {
            if (scratch.Stamps[f] == stamp) continue;
            scratch.Stamps[f] = stamp;
            int shared = SharedCount(queryRanks, _formKeyRanks[f]);
            if (shared >= _overlapRequired) AddIfPromising(query, f, shared, scratch.Candidates);
        }
    }

    private readonly record struct PairPosting(int Form, int KeyCount, float CoverBound2);

    private sealed record PairPostings(int[] Exact, PairPosting[] Others);

    private static int SharedCount(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return shared;
    }

    private void AddIfPromising(NameForm query, int form, int sharedKeys, List<int> candidates)
    {
        double bound = Bound(query.CoverageBound(sharedKeys), _forms[form].CoverageBound(sharedKeys));
        if (bound + 1e-9 >= Threshold) candidates.Add(form);
    }

    // NameMatcher's score formula applied to coverage bounds.
    private static double Bound(double coverQ, double coverC) =>
        100.0 * (NameMatcher.CoverageMaxWeight * Math.Max(coverQ, coverC) + (1.0 - NameMatcher.CoverageMaxWeight) * Math.Min(coverQ, coverC));

    /// <summary>Per-thread work arrays, sized to the largest screener used on the thread.</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? t_current;

        public int[] Stamps = [];
        public int[] ScoreStamps = [];
        public int[] Scores = [];
        public readonly List<int> Candidates = new(256);
        public readonly List<ScreeningHit> Hits = new(16);
        private readonly List<NameForm> _variants = new(2);
        // A name's prepared forms depend on the name alone (not on the watch list), and a bank's customers pay again and
        // again: the forms of the last names screened on this thread are kept, up to a bound, and the whole memo is dropped
        // when it fills (no eviction order to keep). Preparing a name (folding, tokens, phonetic keys) was most of screening.
        private readonly Dictionary<string, NameForm[]> _formsOfName = new(StringComparer.Ordinal);
        internal const int RememberedNames = 4096;
        public readonly Dictionary<int, (int Score, int Form)> BestByEntry = [];
        private int _stamp;

        public static Scratch For(int forms)
        {
            var s = t_current ??= new Scratch();
            if (s.Stamps.Length < forms)
            {
                s.Stamps = new int[forms];
                s.ScoreStamps = new int[forms];
                s.Scores = new int[forms];
                s._stamp = 0;
            }
            return s;
        }

        /// <summary>The forms to compare for <paramref name="name"/> (<see cref="NameForm.Variants(string?, List{NameForm})"/>), remembered.</summary>
        public NameForm[] VariantsOf(string name)
        {
            if (_formsOfName.TryGetValue(name, out NameForm[]? forms)) return forms;
            NameForm.Variants(name, _variants);
            forms = _variants.Count == 0 ? [] : [.. _variants];
            if (_formsOfName.Count >= RememberedNames) _formsOfName.Clear();
            _formsOfName.Add(name, forms);
            return forms;
        }

        public int NextStamp()
        {
            if (_stamp == int.MaxValue)
            {
                Array.Clear(Stamps);
                Array.Clear(ScoreStamps);
                _stamp = 0;
            }
            return ++_stamp;
        }
    }
}
