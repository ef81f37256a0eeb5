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
    private readonly int[] _keyCountOfForm;
    private readonly Dictionary<string, int[]> _postings;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _postingsBySpan;

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
        var forms = new List<NameForm>();
        var entryOf = new List<int>();
        var keyCounts = new List<int>();
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var keys = new List<string>(NameNormalizer.MaxTokens);
        for (int e = 0; e < watchList.Entries.Length; e++)
        {
            foreach (var name in watchList.Entries[e].Names)
            {
                foreach (var form in NameForm.Variants(name))
                {
                    int index = forms.Count;
                    forms.Add(form);
                    entryOf.Add(e);
                    BlockingKeys(form, keys);
                    keyCounts.Add(keys.Count);
                    foreach (var key in keys)
                    {
                        if (!postings.TryGetValue(key, out var list)) postings.Add(key, list = []);
                        list.Add(index);
                    }
                }
            }
        }
        _forms = [.. forms];
        _entryOfForm = [.. entryOf];
        _keyCountOfForm = [.. keyCounts];
        _postings = new Dictionary<string, int[]>(postings.Count, StringComparer.Ordinal);
        foreach (var (key, list) in postings) _postings.Add(key, [.. list]);
        _postingsBySpan = _postings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Screens originator and beneficiary names of one payment.</summary>
    public ScreeningResult Screen(PartyInfo? originator, PartyInfo? beneficiary)
    {
        var hits = ImmutableArray.CreateBuilder<ScreeningHit>();
        var unscreenable = ImmutableArray.CreateBuilder<ScreenedField>();
        bool truncated = ScreenInto(originator, ScreenedField.OriginatorName, hits, unscreenable);
        truncated |= ScreenInto(beneficiary, ScreenedField.BeneficiaryName, hits, unscreenable);
        return Finish(hits, unscreenable, truncated);
    }

    /// <summary>Screens one party's name.</summary>
    public ScreeningResult Screen(PartyInfo? party, ScreenedField field)
    {
        var hits = ImmutableArray.CreateBuilder<ScreeningHit>();
        var unscreenable = ImmutableArray.CreateBuilder<ScreenedField>();
        bool truncated = ScreenInto(party, field, hits, unscreenable);
        return Finish(hits, unscreenable, truncated);
    }

    /// <summary>Screens a bare name; hits ordered by score (descending) then entry id.</summary>
    public ImmutableArray<ScreeningHit> ScreenName(string name, ScreenedField field = ScreenedField.OriginatorName, DateOnly? dateOfBirth = null)
    {
        var hits = ImmutableArray.CreateBuilder<ScreeningHit>();
        ScreenName(name, field, dateOfBirth, hits);
        hits.Sort(CompareHits);
        return hits.ToImmutable();
    }

    private ScreeningResult Finish(ImmutableArray<ScreeningHit>.Builder hits, ImmutableArray<ScreenedField>.Builder unscreenable, bool truncated)
    {
        hits.Sort(CompareHits);
        var status = hits.Count > 0 ? ScreeningStatus.PotentialMatch
            : unscreenable.Count > 0 ? ScreeningStatus.Unscreenable
            : ScreeningStatus.Clear;
        return new ScreeningResult(status, hits.ToImmutable(), unscreenable.ToImmutable(), WatchList.ContentHash, Threshold, truncated);
    }

    private bool ScreenInto(PartyInfo? party, ScreenedField field, ImmutableArray<ScreeningHit>.Builder hits,
        ImmutableArray<ScreenedField>.Builder unscreenable)
    {
        if (party is null || string.IsNullOrWhiteSpace(party.Name))
        {
            unscreenable.Add(field);
            return false;
        }
        int result = ScreenName(party.Name, field, party.DateOfBirth, hits);
        if (result < 0) unscreenable.Add(field);
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
    private int ScreenName(string name, ScreenedField field, DateOnly? dateOfBirth, ImmutableArray<ScreeningHit>.Builder output)
    {
        var variants = NameForm.Variants(name);
        if (variants.Count == 0) return -1;
        var scratch = Scratch.For(_forms.Length);
        // best score and form per entry
        var best = scratch.BestByEntry;
        best.Clear();
        var keys = scratch.Keys;
        foreach (var query in variants)
        {
            BlockingKeys(query, keys);
            int stamp = scratch.NextStamp();
            var touched = scratch.Touched;
            touched.Clear();
            foreach (var key in keys)
            {
                if (!_postingsBySpan.TryGetValue(key, out var posting)) continue;
                foreach (int f in posting)
                {
                    if (scratch.Stamps[f] != stamp)
                    {
                        scratch.Stamps[f] = stamp;
                        scratch.Counts[f] = 1;
                        touched.Add(f);
                    }
                    else
                    {
                        scratch.Counts[f]++;
                    }
                }
            }
            foreach (int f in touched)
            {
                int required = Math.Min(2, Math.Min(keys.Count, _keyCountOfForm[f]));
                if (scratch.Counts[f] < required) continue;
                int score = NameMatcher.Score(query, _forms[f]);
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
        found.Sort(CompareHits);
        for (int i = 0; i < found.Count && i < MaxHitsPerName; i++) output.Add(found[i]);
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

    // Distinct blocking keys of a name's full-weight tokens (all tokens of length > 1 when it has none).
    private static void BlockingKeys(NameForm form, List<string> keys)
    {
        keys.Clear();
        bool heavyOnly = form.HeavyCount > 0;
        for (int i = 0; i < form.Tokens.Length; i++)
        {
            if (heavyOnly ? form.Weights[i] != NameMatcher.FullWeight : form.Tokens[i].Length < 2) continue;
            string key = NameMatcher.BlockingKey(form.Classes[i]);
            if (!keys.Contains(key)) keys.Add(key);
        }
        if (keys.Count == 0)
        {
            // Only initials: key on them so that the name is still screened.
            for (int i = 0; i < form.Tokens.Length; i++)
            {
                if (!keys.Contains(form.Classes[i])) keys.Add(form.Classes[i]);
            }
        }
        Debug.Assert(keys.Count > 0);
    }

    /// <summary>Per-thread work arrays, sized to the largest screener used on the thread.</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? t_current;

        public int[] Stamps = [];
        public int[] Counts = [];
        public readonly List<int> Touched = new(1024);
        public readonly List<string> Keys = new(NameNormalizer.MaxTokens);
        public readonly Dictionary<int, (int Score, int Form)> BestByEntry = [];
        private int _stamp;

        public static Scratch For(int forms)
        {
            var s = t_current ??= new Scratch();
            if (s.Stamps.Length < forms)
            {
                s.Stamps = new int[forms];
                s.Counts = new int[forms];
                s._stamp = 0;
            }
            return s;
        }

        public int NextStamp()
        {
            if (_stamp == int.MaxValue)
            {
                Array.Clear(Stamps);
                _stamp = 0;
            }
            return ++_stamp;
        }
    }
}
