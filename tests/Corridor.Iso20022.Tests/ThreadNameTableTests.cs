using System.Text;
using Corridor.Iso20022.Xml;

namespace Corridor.Iso20022.Tests;

/// <summary>
/// A thread's validating readers share one name table (<see cref="ThreadNameTable"/>): a message read again adds no names and
/// reads the same; input that names thousands of things gets the next reader a fresh table, and valid messages read as before.
/// </summary>
public sealed class ThreadNameTableTests
{
    private static readonly byte[] Pacs008 = TestData.Sample("pacs.008-kes-ghs-trade.xml");

    /// <summary>Runs <paramref name="body"/> on a thread of its own (the tables are per thread).</summary>
    private static void OnFreshThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() => { try { body(); } catch (Exception e) { failure = e; } });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException($"on its own thread: {failure}");
    }

    [Fact]
    public void A_message_read_again_on_the_thread_adds_no_names_and_reads_the_same()
    {
        OnFreshThread(() =>
        {
            var first = Iso20022Codec.Parse(Pacs008);
            Assert.True(first.IsSuccess, string.Join("; ", first.Errors));
            int names = ThreadNameTable.NamesOnThisThread;
            Assert.InRange(names, 1, ThreadNameTable.MaxNames);
            var again = Iso20022Codec.Parse(Pacs008);
            Assert.True(again.IsSuccess);
            Assert.Equal(names, ThreadNameTable.NamesOnThisThread);
            Assert.Equivalent(first.Message, again.Message, strict: true);
            Assert.Equivalent(first.Header, again.Header, strict: true);
        });
    }

    [Fact]
    public void Input_naming_thousands_of_things_is_refused_and_the_next_reader_gets_a_fresh_table()
    {
        OnFreshThread(() =>
        {
            var before = Iso20022Codec.Parse(Pacs008);
            Assert.True(before.IsSuccess);
            // One start tag with more distinct attribute names than the bound: all are atomized before the schema refuses them.
            var hostile = new StringBuilder("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"");
            for (int i = 0; i <= ThreadNameTable.MaxNames; i++) hostile.Append(" n").Append(i).Append("=\"\"");
            hostile.Append("/>");
            var refused = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(hostile.ToString()));
            Assert.False(refused.IsSuccess);
            Assert.Equal(Validation.ReasonCodes.InvalidFileFormat, Assert.Single(refused.Errors).ReasonCode);
            Assert.True(ThreadNameTable.NamesOnThisThread > ThreadNameTable.MaxNames, $"{ThreadNameTable.NamesOnThisThread} names");

            var after = Iso20022Codec.Parse(Pacs008);
            Assert.True(after.IsSuccess, string.Join("; ", after.Errors));
            Assert.InRange(ThreadNameTable.NamesOnThisThread, 1, ThreadNameTable.MaxNames); // a fresh table
            Assert.Equivalent(before.Message, after.Message, strict: true);
        });
    }
}
