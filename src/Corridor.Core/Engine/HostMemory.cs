namespace Corridor.Core.Engine;

/// <summary>The host's memory as Linux reports it in <c>/proc/meminfo</c>, for decisions about memory to touch ahead.</summary>
public static class HostMemory
{
    /// <summary>
    /// The bytes of a <c>/proc/meminfo</c> field given in kB (<c>MemFree</c>, <c>MemAvailable</c>, <c>MemTotal</c>, …); 0 where
    /// the file or the field cannot be read (not Linux, no permission).
    /// </summary>
    public static long Bytes(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.Length > field.Length && line.StartsWith(field, StringComparison.Ordinal) && line[field.Length] == ':'
                    && long.TryParse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out long kib))
                    return kib * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
