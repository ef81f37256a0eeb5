namespace Corridor.Core.Compliance;

// Generated once from Unicode 14.0 data: NFKD, combining marks removed, lower-cased, plus a fixed
// list of letters that do not decompose (ß→ss, ø→o, ł→l, đ→d, þ→th, æ→ae, œ→oe, ...).
// A fixed table (rather than string.Normalize) keeps the result independent of the ICU version
// and works under InvariantGlobalization, where string.Normalize leaves non-ASCII text unchanged.
// Two chars per code point, '\0' = none; an empty pair means "not a Latin letter".
internal static class LatinFoldTable
{
    /// <summary>U+00C0..U+024F (Latin-1 Supplement letters, Latin Extended-A and -B).</summary>
    public const int Latin1Start = 0x00C0;
    public const int Latin1End = 0x0250;

    /// <summary>U+1E00..U+1EFF (Latin Extended Additional: Vietnamese and others).</summary>
    public const int AdditionalStart = 0x1E00;
    public const int AdditionalEnd = 0x1F00;

    public const string Latin1 =
        "a\0a\0a\0a\0a\0a\0aec\0e\0e\0e\0e\0i\0i\0i\0i\0d\0n\0o\0o\0o\0o\0o\0\0\0o\0u\0u\0u\0u\0y\0thss" +
        "a\0a\0a\0a\0a\0a\0aec\0e\0e\0e\0e\0i\0i\0i\0i\0d\0n\0o\0o\0o\0o\0o\0\0\0o\0u\0u\0u\0u\0y\0thy\0" +
        "a\0a\0a\0a\0a\0a\0c\0c\0c\0c\0c\0c\0c\0c\0d\0d\0d\0d\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0g\0g\0g\0g\0" +
        "g\0g\0g\0g\0h\0h\0h\0h\0i\0i\0i\0i\0i\0i\0i\0i\0i\0i\0ijijj\0j\0k\0k\0k\0l\0l\0l\0l\0l\0l\0l\0" +
        "l\0l\0l\0n\0n\0n\0n\0n\0n\0n\0ngngo\0o\0o\0o\0o\0o\0oeoer\0r\0r\0r\0r\0r\0s\0s\0s\0s\0s\0s\0" +
        "s\0s\0t\0t\0t\0t\0t\0t\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0w\0w\0y\0y\0y\0z\0z\0z\0z\0z\0z\0s\0" +
        "b\0b\0\0\0\0\0\0\0\0\0\0\0c\0c\0d\0d\0\0\0\0\0\0\0e\0e\0\0\0f\0f\0\0\0\0\0\0\0\0\0i\0k\0k\0l\0\0\0\0\0n\0\0\0o\0" +
        "o\0o\0\0\0\0\0p\0p\0\0\0\0\0\0\0\0\0\0\0\0\0t\0t\0t\0u\0u\0\0\0\0\0y\0y\0z\0z\0z\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" +
        "\0\0\0\0\0\0\0\0dzdzdzljljljnjnjnja\0a\0i\0i\0o\0o\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0e\0a\0a\0" +
        "a\0a\0\0\0\0\0g\0g\0g\0g\0k\0k\0o\0o\0o\0o\0\0\0\0\0j\0dzdzdzg\0g\0\0\0\0\0n\0n\0a\0a\0\0\0\0\0\0\0\0\0" +
        "a\0a\0a\0a\0e\0e\0e\0e\0i\0i\0i\0i\0o\0o\0o\0o\0r\0r\0r\0r\0u\0u\0u\0u\0s\0s\0t\0t\0\0\0\0\0h\0h\0" +
        "\0\0d\0\0\0\0\0z\0z\0a\0a\0e\0e\0o\0o\0o\0o\0o\0o\0o\0o\0y\0y\0l\0n\0t\0j\0\0\0\0\0\0\0c\0c\0l\0t\0\0\0" +
        "\0\0\0\0\0\0\0\0u\0\0\0e\0e\0j\0j\0q\0q\0r\0r\0y\0y\0";

    public const string Additional =
        "a\0a\0b\0b\0b\0b\0b\0b\0c\0c\0d\0d\0d\0d\0d\0d\0d\0d\0d\0d\0e\0e\0e\0e\0e\0e\0e\0e\0e\0e\0f\0f\0" +
        "g\0g\0h\0h\0h\0h\0h\0h\0h\0h\0h\0h\0i\0i\0i\0i\0k\0k\0k\0k\0k\0k\0l\0l\0l\0l\0l\0l\0l\0l\0m\0m\0" +
        "m\0m\0m\0m\0n\0n\0n\0n\0n\0n\0n\0n\0o\0o\0o\0o\0o\0o\0o\0o\0p\0p\0p\0p\0r\0r\0r\0r\0r\0r\0r\0r\0" +
        "s\0s\0s\0s\0s\0s\0s\0s\0s\0s\0t\0t\0t\0t\0t\0t\0t\0t\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0v\0v\0v\0v\0" +
        "w\0w\0w\0w\0w\0w\0w\0w\0w\0w\0x\0x\0x\0x\0y\0y\0z\0z\0z\0z\0z\0z\0h\0t\0w\0y\0\0\0s\0\0\0\0\0\0\0\0\0" +
        "a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0e\0e\0e\0e\0e\0e\0e\0e\0" +
        "e\0e\0e\0e\0e\0e\0e\0e\0i\0i\0i\0i\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0o\0" +
        "o\0o\0o\0o\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0u\0y\0y\0y\0y\0y\0y\0y\0y\0\0\0\0\0\0\0\0\0\0\0\0\0";
}
