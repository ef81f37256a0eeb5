using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;
using CsCheck;

namespace Corridor.Storage.Tests;

/// <summary>
/// The node's pipeline steps (<see cref="GroupCommit"/>), the core Node's threads and the fault simulator both run: grouping
/// keeps order and bounds, and the steps go only forward — journal, then apply once, then acknowledge.
/// </summary>
public sealed class GroupCommitTests
{
    private sealed class Blob(byte[] bytes, int commands = 1) : IPipelineRequest
    {
        public byte[] Bytes { get; } = bytes;
        public int EncodedBytes => Bytes.Length;
        public int Commands => commands;
        public int Write(Span<byte> destination)
        {
            Bytes.CopyTo(destination);
            return Bytes.Length;
        }
    }

    [Fact]
    public void Grouping_keeps_every_request_once_in_order_within_the_bounds()
    {
        Gen<(int[] Sizes, int MaxRequests, int MaxBytes)> gen = Gen.Select(Gen.Int[1, 300].Array[1, 40], Gen.Int[1, 6], Gen.Int[16, 900]);
        Check.Sample(gen, t =>
        {
            var options = new NodeOptions { MaxRequestsPerBatch = t.MaxRequests, MaxBatchBytes = t.MaxBytes };
            var queue = new Queue<Blob>();
            for (int i = 0; i < t.Sizes.Length; i++) queue.Enqueue(new Blob(Enumerable.Repeat((byte)i, t.Sizes[i]).ToArray()));
            Blob[] all = queue.ToArray();
            var seen = new List<Blob>();
            Blob? carry = queue.Dequeue();
            while (carry is not null)
            {
                CommitBatch<Blob> batch = GroupCommit.Group(options, carry, (out Blob? next) => queue.TryDequeue(out next), out carry);
                Assert.NotEmpty(batch.Requests);
                Assert.True(batch.Requests.Count <= t.MaxRequests);
                Assert.True(batch.Requests.Count == 1 || batch.Bytes <= t.MaxBytes, $"{batch.Requests.Count} requests in {batch.Bytes} bytes");
                // The request taken that did not fit is the next in order, and it would not have fitted.
                if (carry is not null)
                    Assert.True(batch.Requests.Count == t.MaxRequests || batch.Bytes + carry.EncodedBytes > t.MaxBytes);
                Assert.Equal(batch.Requests.SelectMany(r => r.Bytes).ToArray(), batch.Body.ToArray());
                Assert.Equal(PipelineStage.Grouped, batch.Stage);
                seen.AddRange(batch.Requests);
                batch.Release();
                if (carry is null && queue.TryDequeue(out Blob? more)) carry = more; // what arrived while the batch was written
            }
            Assert.Equal(all, seen);
        });
    }

    [Fact]
    public void The_steps_go_only_forward_journal_then_apply_once_then_acknowledge()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        var engine = new Engine();
        var options = new NodeOptions();
        ulong now = 1_767_225_600_000_000_000;
        var replies = new List<CommandReply>();
        Blob Register(ulong id) => new(SettlementCodec.EncodeCommand(new RegisterParticipant(id, ParticipantRole.DirectParticipant, "Bank " + id)));

        for (ulong round = 0; round < 3; round++)
        {
            var waiting = new Queue<Blob>([Register(10 * round + 2), Register(10 * round + 3)]);
            CommitBatch<Blob> batch = GroupCommit.Group(options, Register(10 * round + 1), (out Blob? next) => waiting.TryDequeue(out next), out Blob? carry);
            Assert.Null(carry);
            Assert.Equal(3, batch.Requests.Count);
            // Nothing is applied or answered before it is durable.
            Assert.Throws<InvalidOperationException>(() => GroupCommit.Apply(engine, batch, replies));
            Assert.Throws<InvalidOperationException>(() => GroupCommit.Acknowledge(batch));
            GroupCommit.Journal(journal, () => now + round, batch);
            Assert.Equal((round + 1, now + round, PipelineStage.Journaled), ((ulong)batch.Sequence, batch.TimestampNs, batch.Stage));
            Assert.Equal(batch.Sequence, journal.LastSequence);
            Assert.Throws<InvalidOperationException>(() => GroupCommit.Journal(journal, () => now, batch)); // once
            Assert.Throws<InvalidOperationException>(() => GroupCommit.Acknowledge(batch));
            GroupCommit.Apply(engine, batch, replies);
            Assert.Equal(3, replies.Count);
            Assert.All(replies, r => Assert.True(r.AllOk));
            Assert.Equal(batch.Sequence, engine.Sequence);
            Assert.Throws<InvalidOperationException>(() => GroupCommit.Apply(engine, batch, replies)); // never twice
            GroupCommit.Acknowledge(batch);
            Assert.Equal(PipelineStage.Acknowledged, batch.Stage);
            batch.Release();
        }
        // What was applied is what the journal holds: a replay gives the same state.
        var replay = new Engine();
        foreach (JournalBatch b in journal.Read(0)) replay.Apply(b.Sequence, b.TimestampNs, b.Body, null);
        Assert.Equal(engine.StateHashHex(), replay.StateHashHex());
        Assert.Equal(9, engine.Settlement.GetParticipants().Count);
    }

    [Fact]
    public void A_written_batch_may_be_applied_before_its_sync_and_is_acknowledged_only_after_it()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        var engine = new Engine();
        var replies = new List<CommandReply>();
        Blob Register(ulong id) => new(SettlementCodec.EncodeCommand(new RegisterParticipant(id, ParticipantRole.DirectParticipant, "Bank " + id)));
        CommitBatch<Blob> Batch(ulong id) => GroupCommit.Group(new NodeOptions(), Register(id), (out Blob? next) => { next = null; return false; }, out _);

        // Applied while the sync is pending: written under the next sequence, not yet the journal's (nor its readers').
        CommitBatch<Blob> first = Batch(1);
        Assert.Throws<InvalidOperationException>(() => GroupCommit.Sync(journal, first)); // not written
        GroupCommit.Write(journal, () => 7, first);
        Assert.Equal((1L, PipelineStage.Written, false), (first.Sequence, first.Stage, first.Durable));
        Assert.Equal(0, journal.LastSequence);
        Assert.Empty(journal.Read(0));
        GroupCommit.Apply(engine, first, replies);
        Assert.Equal(1, engine.Sequence);
        Assert.Throws<InvalidOperationException>(() => GroupCommit.Acknowledge(first)); // applied, not durable
        Assert.Throws<InvalidOperationException>(() => journal.Write(2, 8, Register(2).Bytes)); // one batch between write and sync
        GroupCommit.Sync(journal, first);
        Assert.Equal((PipelineStage.Applied, true, 1L), (first.Stage, first.Durable, journal.LastSequence));
        Assert.Throws<InvalidOperationException>(() => GroupCommit.Sync(journal, first)); // once
        GroupCommit.Acknowledge(first);
        first.Release();

        // Synced before it is applied: the same steps in the other order.
        CommitBatch<Blob> second = Batch(2);
        GroupCommit.Write(journal, () => 8, second);
        GroupCommit.Sync(journal, second);
        Assert.Equal((PipelineStage.Written, true, 2L), (second.Stage, second.Durable, journal.LastSequence));
        GroupCommit.Apply(engine, second, replies);
        GroupCommit.Acknowledge(second);
        second.Release();

        // Written and never synced: a clean close cuts it, as it never counted.
        GroupCommit.Write(journal, () => 9, Batch(3));
        journal.Dispose();
        using FileJournal reopened = FileJournal.Open(dir.Path);
        Assert.Equal(2, reopened.LastSequence);
        var replay = new Engine();
        foreach (JournalBatch b in reopened.Read(0)) replay.Apply(b.Sequence, b.TimestampNs, b.Body, null);
        Assert.Equal(engine.StateHashHex(), replay.StateHashHex());
    }

    [Fact]
    public void A_batch_whose_engine_answers_another_number_of_commands_is_refused()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        var engine = new Engine();
        // Two commands in one request that claims to be one: the engine answers two.
        byte[] two = [.. SettlementCodec.EncodeCommand(new RegisterParticipant(1, ParticipantRole.DirectParticipant, "A")),
            .. SettlementCodec.EncodeCommand(new RegisterParticipant(2, ParticipantRole.DirectParticipant, "B"))];
        CommitBatch<Blob> batch = GroupCommit.Group(new NodeOptions(), new Blob(two, commands: 1), (out Blob? next) => { next = null; return false; }, out _);
        GroupCommit.Journal(journal, () => 1, batch);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => GroupCommit.Apply(engine, batch, []));
        Assert.Contains("2 replies for 1 commands", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acknowledging_answers_each_request_with_the_reply_to_its_own_last_command()
    {
        using var dir = new TempDirectory();
        using FileJournal journal = FileJournal.Open(dir.Path);
        var engine = new Engine();
        byte[] Register(ulong id) => SettlementCodec.EncodeCommand(new RegisterParticipant(id, ParticipantRole.DirectParticipant, "Bank " + id));
        // Requests of 2, 1 and 3 commands: six replies, three answers (the 2nd, 3rd and 6th reply).
        var waiting = new Queue<Blob>([new Blob(Register(3)), new Blob([.. Register(4), .. Register(5), .. Register(1)], commands: 3)]);
        CommitBatch<Blob> batch = GroupCommit.Group(new NodeOptions(), new Blob([.. Register(1), .. Register(2)], commands: 2),
            (out Blob? next) => waiting.TryDequeue(out next), out _);
        GroupCommit.Journal(journal, () => 1, batch);
        var replies = new List<CommandReply>();
        GroupCommit.Apply(engine, batch, replies);
        Assert.Equal(6, replies.Count);
        var answers = new List<CommandReply> { replies[0] }; // cleared first
        GroupCommit.Acknowledge(batch, replies, answers);
        Assert.Equal(PipelineStage.Acknowledged, batch.Stage);
        Assert.Equal(3, answers.Count);
        Assert.Same(replies[1], answers[0]);
        Assert.Same(replies[2], answers[1]);
        Assert.Same(replies[5], answers[2]);
        Assert.False(answers[2].AllOk); // participant 1 registered again: the third request's own error, not another's
        Assert.True(answers[0].AllOk && answers[1].AllOk);
        Assert.Throws<InvalidOperationException>(() => GroupCommit.Acknowledge(batch, replies, answers)); // once
        batch.Release();
    }
}
