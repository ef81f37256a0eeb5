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
            JournalCommand.CreateAudit(),
            BenchCommand.Create(),
            LoadCommand.Create(),
            ParticipantsCommand.Create(),
            DayCommand.Create(),
            IsoCommand.Create(),
            SimulateCommand.Create(),
            FxCommand.Create(),
            ComplianceCommand.Create(),
            OperatorsCommand.Create(),
            TransferCommand.Create(),
            StatementCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
