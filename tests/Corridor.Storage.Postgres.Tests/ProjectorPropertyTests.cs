using CsCheck;
using Corridor.Storage.Journal;
using Corridor.Storage.ReadModel;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>
/// Whatever the workload and wherever the projector crashes (before a commit, or stopped between batches),
/// a restarted projector ends with a read model equal to the engine that applied the same journal.
/// </summary>
public sealed class ProjectorPropertyTests
{
    [Fact]
    public void Read_model_equals_the_engine_after_any_crash_and_restart()
    {
        Gen<(int Seed, int Batches, int[] Crashes)> gen = Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[1, 6], Gen.Int[1, 25].Array[0, 4]);
        Check.Sample(gen, t =>
        {
            using var dir = new TempDirectory();
            Workload w = new Workload(t.Seed).Build(paymentBatches: t.Batches);
            using var journal = FileJournal.Open(dir.File("journal"));
            w.AppendTo(journal);
            string path = dir.File("readmodel.db");
            foreach (int crash in t.Crashes)
            {
                // Either a crash inside the write of the crash-th batch, or a stop after crash batches.
                using var model = new FailingReadModel(SqliteReadModel.Open(path), failOnWrite: crash);
                var projector = new Projector(journal, model);
                try { projector.CatchUp(maxBatches: crash + t.Seed % 3, TestContext.Current.CancellationToken); }
                catch (IOException) { }
            }
            using var final = SqliteReadModel.Open(path);
            new Projector(journal, final).CatchUp(cancel: TestContext.Current.CancellationToken);
            Workload.AssertConsistent(w.Reference, final);
        }, iter: 12, threads: 1);
    }
}
