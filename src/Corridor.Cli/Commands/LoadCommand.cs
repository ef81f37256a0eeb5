using System.CommandLine;
using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Node;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor load</c>: drives a synthetic stream of transfers into the node of a data directory and
/// prints every acknowledgement as it arrives. Used by the crash tests (kill it at any moment: every
/// printed acknowledgement must survive) and for demos.
/// </summary>
public static class LoadCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data", "-d") { Description = "Data directory of the node.", DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var accounts = new Option<int>("--accounts") { Description = "Accounts to create (idempotent) and pay between.", DefaultValueFactory = _ => 100 };
        var requests = new Option<int>("--requests") { Description = "Requests to submit (0: until killed).", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "Transfers per request.", DefaultValueFactory = _ => 100 };
        var inflight = new Option<int>("--inflight") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var run = new Option<ulong>("--run-id") { Description = "High 64 bits of every transfer id, so runs never collide.", DefaultValueFactory = _ => 1 };
        var command = new Command("load", "Submit synthetic transfers to the node in a data directory, printing 'ack <run-id> <first> <last>' for every durable request.")
        {
            data, accounts, requests, batch, inflight, run,
        };
        var journalOptions = new JournalChoice.Options();
        journalOptions.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            int accountCount = parse.GetValue(accounts), perRequest = parse.GetValue(batch), window = parse.GetValue(inflight);
            int total = parse.GetValue(requests);
            ulong runId = parse.GetValue(run);
            if (accountCount < 2 || perRequest < 1 || perRequest > 8_190 || window < 1 || total < 0 || runId == 0)
            {
                await Console.Error.WriteLineAsync("corridor load: need --accounts ≥ 2, 1 ≤ --batch ≤ 8190, --inflight ≥ 1, --requests ≥ 0, --run-id ≥ 1");
                return 2;
            }
            JournalChoice journal = journalOptions.Get(parse);
            if (journal.Validate() is { } invalid) { await Console.Error.WriteLineAsync($"corridor load: {invalid}"); return 2; }
            var dir = new DataDirectory(Path.GetFullPath(parse.GetValue(data)!));
            using Node node = dir.StartNode(new NodeOptions { SnapshotEveryEvents = 20_000 }, journal);
            var list = new Account[accountCount];
            for (int i = 0; i < accountCount; i++) list[i] = new Account { Id = (UInt128)(i + 1), Ledger = 1, Code = 1, Participant = (ulong)(i + 1) };
            await node.SubmitAsync(Operation.CreateAccounts, accountCount, MemoryMarshal.AsBytes(list.AsSpan()).ToArray(), waitWhenFull: true, cancel);
            Console.WriteLine($"ready {node.Recovery.Sequence}");

            var stdout = Console.Out;
            using var gate = new SemaphoreSlim(window);
            var tasks = new List<Task>();
            for (long r = 0; total == 0 || r < total; r++)
            {
                await gate.WaitAsync(cancel);
                var transfers = new Transfer[perRequest];
                ulong first = (ulong)(r * perRequest) + 1;
                for (int i = 0; i < perRequest; i++)
                {
                    ulong n = first + (ulong)i;
                    transfers[i] = new Transfer
                    {
                        Id = new UInt128(runId, n),
                        DebitAccountId = (UInt128)(n % (ulong)accountCount + 1),
                        CreditAccountId = (UInt128)((n + 1) % (ulong)accountCount + 1),
                        Amount = (long)(n % 97) + 1, Ledger = 1, Code = 1,
                    };
                }
                ulong last = first + (ulong)perRequest - 1;
                Task<CommandReply> reply = node.SubmitAsync(Operation.CreateTransfers, perRequest, MemoryMarshal.AsBytes(transfers.AsSpan()).ToArray(), waitWhenFull: true, cancel);
                tasks.Add(reply.ContinueWith(t =>
                {
                    gate.Release();
                    if (t.IsCompletedSuccessfully)
                        lock (stdout) { stdout.WriteLine($"ack {runId} {first} {last} errors {t.Result.Errors.Length}"); stdout.Flush(); }
                }, TaskScheduler.Default));
                if (tasks.Count > 64) tasks.RemoveAll(x => x.IsCompleted);
            }
            await Task.WhenAll(tasks);
            return 0;
        });
        return command;
    }
}
