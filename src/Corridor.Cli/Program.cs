using System.CommandLine;
using Corridor.Cli.Commands;
using Corridor.Storage.Files;

namespace Corridor.Cli;

/// <summary>Entry point of the <c>corridor</c> command.</summary>
public static class Program
{
    /// <summary>How long a stopping command may take after SIGTERM/Ctrl+C before the process is ended regardless.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromMinutes(30);

    /// <summary>
    /// This process's ask for transparent huge pages for its heap (<see cref="HugePages"/>), made first thing in
    /// <see cref="Main"/> and kept up every 10 s; null when <c>CORRIDOR_HUGE_PAGES=off</c>.
    /// </summary>
    public static HugePages.Advice? HeapPages { get; private set; }

    public static int Main(string[] args)
    {
        HeapPages = HugePages.TurnedOff(Environment.GetEnvironmentVariable) ? null : HugePages.Keep(TimeSpan.FromSeconds(10));
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
            PeersCommand.Create(),
            DemoCommand.Create(),
            CertsCommand.Create(),
        };
        // On SIGTERM/Ctrl+C a command's cancellation token fires and the command finishes its own shutdown:
        // `corridor run` drains accepted work and writes a snapshot, which for a large state takes longer than
        // System.CommandLine's default 2 s grace (after which it killed the process mid-snapshot).
        return root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = ShutdownGrace });
    }
}
