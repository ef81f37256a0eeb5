using System.Buffers;
using System.Text;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;

namespace Corridor.Link;

/// <summary>The link's commands to its node: several items as one command (one journal entry), each item's result.</summary>
public static class LinkCommands
{
    /// <summary>The payload of one command holding <paramref name="items"/>; <see cref="ArgumentException"/> on over-long text or a malformed code.</summary>
    public static byte[] Payload<T>(IReadOnlyList<T> items) where T : IExchangeItem<T>
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CommandBatch.MaxCommandPayloadBytes, (long)T.MaxEncodedBytes * Math.Max(1, items.Count)));
        try
        {
            var w = new WireWriter(buffer);
            foreach (T item in items) item.Write(ref w);
            return buffer.AsSpan(0, w.Written).ToArray();
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Submits the items as one command; returns each item's result, in order.</summary>
    public static async Task<FederationResult[]> SubmitAsync<T>(ILinkNode node, Operation operation, IReadOnlyList<T> items) where T : IExchangeItem<T>
    {
        CommandReply reply = await node.SubmitAsync(operation, items.Count, Payload(items));
        return Results(reply, items.Count);
    }

    /// <summary>Each item's result in a reply of <paramref name="count"/> items (Ok unless the reply lists an error for it).</summary>
    public static FederationResult[] Results(CommandReply reply, int count)
    {
        var results = new FederationResult[count];
        if (!reply.AllOk) foreach (ItemResult e in reply.Errors) if ((uint)e.Index < (uint)count) results[e.Index] = (FederationResult)e.Code;
        return results;
    }

    /// <summary><c>PaymentExistsWithDifferentContent</c> → <c>payment_exists_with_different_content</c> (the problem codes' spelling).</summary>
    public static string Snake(FederationResult result) => ResultNames.SnakeCase(result.ToString());
}
