namespace Corridor.Core.Engine;

/// <summary>
/// Corridor's on/off switches in the environment of a process, read in one way wherever they are read: <c>off</c> (any
/// case, blanks around it) turns one off; any other value, or none, leaves it on.
/// </summary>
public static class EnvironmentSwitch
{
    /// <summary>Transparent huge pages asked for the heap and for fresh memory (Corridor.Storage's <c>HugePages</c>, <see cref="Engine.FreshPages"/>).</summary>
    public const string HugePages = "CORRIDOR_HUGE_PAGES";

    /// <summary>Pages of new chunks faulted in ahead of the engine's first writes (<see cref="Engine.FreshPages"/>).</summary>
    public const string FreshPages = "CORRIDOR_FRESH_PAGES";

    /// <summary>Whether <paramref name="environment"/> (the process's own when null) turns switch <paramref name="variable"/> off.</summary>
    public static bool TurnedOff(string variable, Func<string, string?>? environment = null) =>
        string.Equals((environment ?? Environment.GetEnvironmentVariable)(variable)?.Trim(), "off", StringComparison.OrdinalIgnoreCase);
}
