using System.CommandLine;
using Corridor.Cli.Commands;

namespace Corridor.Cli;

/// <summary>Entry point of the <c>corridor</c> command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Corridor: clearing and settlement for cross-border payments in local currencies.")
        {
            RunCommand.Create(),
            JournalCommand.Create(),
            BenchCommand.Create(),
            LoadCommand.Create(),
            StatementCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
