using Corridor.Core.Engine;
using Corridor.Core.Exchange;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// The exchange's expiry queue holds about what is still open, not every lock of the last hour: a paid lock's entry is dropped
/// when the queue compacts, and the locks still open expire when their time comes, as without compacting.
/// </summary>
public sealed class ExpiryQueueTests
{
    [Fact]
    public void Paid_locks_leave_the_expiry_queue_and_open_locks_still_expire_on_time()
    {
        var f = new ExchangeFixture();
        UInt128 quote = f.NextId();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(quote, validSeconds: 600, maxLockSeconds: 60)));
        const int perCommand = 5_000, commands = 30; // 150,000 locks: the queue passes its compaction floor twice
        var open = new List<UInt128>();
        for (int c = 0; c < commands; c++)
        {
            var locks = new LockQuote[perCommand];
            var payments = new List<PayAgainstLock>(perCommand);
            for (int i = 0; i < perCommand; i++)
            {
                UInt128 lockId = f.NextId();
                locks[i] = f.LockRequest(lockId, quote, 100, seconds: 30);
                if (i % 1_000 == 7) open.Add(lockId); // left open: it must expire
                else payments.Add(ExchangeFixture.Payment(f.NextId(), lockId));
            }
            Assert.All(f.Run<LockQuote, LockResult>(Operation.LockQuote, locks), r => Assert.Equal(LockResult.Ok, r));
            Assert.All(f.Run<PayAgainstLock, PayResult>(Operation.PayAgainstLock, payments.ToArray()), r => Assert.Equal(PayResult.Ok, r));
        }

        // Without compacting the queue would hold 150,001 entries (every lock and the quote).
        Assert.InRange(f.X.ExpiryEntries, open.Count, 2 * ExchangeState.ExpiryCompactionFloor);
        Assert.All(open, id => Assert.Equal(LockStatus.Locked, Lock(f, id).Status));
        Assert.Equal(open, f.X.OpenLocks().Select(l => l.Request.LockId)); // from the queue, in the order taken
        Assert.Equal(open, f.X.Locks.Where(l => l.Status == LockStatus.Locked).Select(l => l.Request.LockId));

        f.Now += 31 * ExchangeFixture.Second; // past every lock's 30 s
        f.Run<ReleaseLock, LockResult>(Operation.ReleaseLock, new ReleaseLock(f.NextId(), ExchangeFixture.Payer)); // any batch runs expiry first
        Assert.All(open, id => Assert.Equal(LockStatus.Expired, Lock(f, id).Status));
        Assert.Empty(f.X.OpenLocks());
        Assert.Equal(commands * (perCommand - perCommand / 1_000), f.X.Locks.Count(l => l.Status == LockStatus.Settled));
        f.AssertConservation();
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
    }

    private static LockRecord Lock(ExchangeFixture f, UInt128 id)
    {
        Assert.True(f.X.TryGetLock(id, out LockRecord l));
        return l;
    }
}
