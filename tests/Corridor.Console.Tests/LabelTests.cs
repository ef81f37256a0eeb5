using System.Text.RegularExpressions;

namespace Corridor.Console.Tests;

/// <summary>The resource table is complete: English and Russian hold the same keys, and every literal key the console asks for exists.</summary>
public sealed partial class LabelTests
{
    private static string Web(string file)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Corridor.slnx"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir!.FullName, "src", "Corridor.Web", "wwwroot", file));
    }

    [GeneratedRegex("^    \"([a-z0-9_.-]+)\":", RegexOptions.Multiline)]
    private static partial Regex Key();

    [GeneratedRegex("""\bt\("([a-z0-9_.-]+)"\)""")]
    private static partial Regex Use();

    [GeneratedRegex("""\b(?:data-label="|label: "|k: ")([a-z0-9_.-]+)"|"((?:col|overview)\.[a-z0-9_]+)"[,\]]""")]
    private static partial Regex TableKey();

    [Fact]
    public void English_and_Russian_have_the_same_labels_and_every_label_used_exists()
    {
        string labels = Web("labels.js");
        int ru = labels.IndexOf("  ru: {", StringComparison.Ordinal);
        string[] en = Key().Matches(labels[..ru]).Select(m => m.Groups[1].Value).ToArray();
        string[] russian = Key().Matches(labels[ru..]).Select(m => m.Groups[1].Value).ToArray();
        Assert.True(en.Length > 100, $"only {en.Length} English labels read: has labels.js changed shape?");
        Assert.Empty(en.Except(russian));
        Assert.Empty(russian.Except(en));
        Assert.Equal(en.Length, en.Distinct().Count());

        string app = Web("app.js") + Web("index.html");
        string[] used = Use().Matches(app).Select(m => m.Groups[1].Value)
            .Concat(TableKey().Matches(app).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)).Distinct().ToArray();
        Assert.True(used.Length > 80, $"only {used.Length} label uses found in app.js");
        Assert.Empty(used.Except(en));
    }
}
