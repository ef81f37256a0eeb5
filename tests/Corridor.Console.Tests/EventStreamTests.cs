using System.Net;
using System.Text.Json;
using Corridor.Client;
using Corridor.Server.Auth;

namespace Corridor.Console.Tests;

/// <summary>
/// The server-sent event stream read as raw HTTP (no browser): what it pushes, to whom, and how it is opened — with the API's
/// bearer token or with a single-use ticket, never with the long-lived token in the URL.
/// </summary>
public sealed class EventStreamTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Reads one text/event-stream answer frame by frame (event name and data line).</summary>
    private sealed class EventReader(HttpResponseMessage response, StreamReader reader) : IAsyncDisposable
    {
        public static async Task<EventReader> OpenAsync(CorridorClient client, string? ticket = null, int? lifetimeSeconds = null)
        {
            HttpResponseMessage r = await client.OpenEventStreamAsync(ticket, lifetimeSeconds, C);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
            return new EventReader(r, new StreamReader(await r.Content.ReadAsStreamAsync(C)));
        }

        /// <summary>The next event named <paramref name="name"/> whose data satisfies <paramref name="match"/>; others are skipped.</summary>
        public async Task<JsonElement> NextAsync(string name, Func<JsonElement, bool>? match = null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(C);
            timeout.CancelAfter(Patience);
            string? eventName = null;
            while (true)
            {
                string? line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"the stream ended before a {name} event");
                if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == name)
                {
                    JsonElement data = JsonDocument.Parse(line[6..]).RootElement.Clone();
                    if (match is null || match(data)) return data;
                }
                else if (line.Length == 0) eventName = null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            await Task.CompletedTask;
        }
    }

    private static Func<JsonElement, bool> PaymentId(string decimalId) => p => p.GetProperty("id").GetString() == decimalId;

    [Fact]
    public async Task A_payment_made_through_the_API_is_pushed_to_its_payer_payee_and_operator_and_to_no_other_participant()
    {
        await using ConsoleNode node = new();
        await node.InitializeAsync();
        await node.OpenDayAndFundAsync(C);
        string carolToken = (await node.Root.RegisterParticipantAsync(new RegisterParticipantRequest(3, "Carol Bank", "direct"), C)).Unwrap().Token;
        (await node.Root.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(3, ConsoleNode.Ledger, "0x31"), C)).Unwrap();
        (await node.Root.MoveLiquidityAsync(new LiquidityRequest("0x9003", 3, ConsoleNode.Ledger, 5_000, "inject"), C)).Unwrap();
        CorridorClient carol = node.Root.WithToken(carolToken);

        // Alice and Carol open their streams as a browser does (a ticket, no header); Bob and the operator with the bearer token.
        string aliceTicket = (await node.AliceClient.IssueEventTicketAsync(C)).Unwrap().Ticket;
        await using EventReader alice = await EventReader.OpenAsync(node.Root.WithToken(null), aliceTicket);
        await using EventReader carolStream = await EventReader.OpenAsync(node.Root.WithToken(null), (await carol.IssueEventTicketAsync(C)).Unwrap().Ticket);
        await using EventReader bob = await EventReader.OpenAsync(node.BobClient);
        await using EventReader root = await EventReader.OpenAsync(node.Root);

        (await node.AliceClient.SubmitPaymentAsync(ConsoleNode.Customer("0x7001", 12_500, "INV-PUSH-1"), C)).Unwrap();
        foreach (EventReader stream in new[] { alice, bob, root })
        {
            JsonElement p = await stream.NextAsync("payment", PaymentId("28673"));
            Assert.Equal("settled", p.GetProperty("status").GetString());
            Assert.Equal(12_500, p.GetProperty("amount").GetInt64());
            Assert.Equal("INV-PUSH-1", p.GetProperty("invoice_number").GetString());
        }
        // Alice's balance moved: her stream says so, for her own account.
        JsonElement balance = await alice.NextAsync("account", a => a.GetProperty("account_id").GetString() == "17");
        Assert.Equal(12_500, balance.GetProperty("debits_posted").GetInt64());

        // Carol is no party to it: the first payment her stream carries is her own, made after Alice's was pushed to the others.
        (await carol.SubmitPaymentAsync(ConsoleNode.Customer("0x7002", 300, "INV-PUSH-2", payee: ConsoleNode.Bob), C)).Unwrap();
        JsonElement first = await carolStream.NextAsync("payment");
        Assert.Equal("28674", first.GetProperty("id").GetString());

        // The day and its counters are pushed to everyone when they change.
        (await node.Root.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        JsonElement day = await carolStream.NextAsync("day", d => d.GetProperty("phase").GetString() == "customer_cutoff");
        Assert.Equal(2, day.GetProperty("settled").GetInt32());
    }

    [Fact]
    public async Task A_ticket_opens_one_stream_once_and_is_no_api_token_and_the_api_token_is_no_ticket()
    {
        await using ConsoleNode node = new();
        await node.InitializeAsync();
        CorridorClient anonymous = node.Root.WithToken(null);
        EventTicketDto ticket = (await node.AliceClient.IssueEventTicketAsync(C)).Unwrap();
        Assert.InRange(ticket.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(20), EventTickets.Lifetime);

        using (HttpResponseMessage opened = await anonymous.OpenEventStreamAsync(ticket.Ticket, c: C))
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        await AssertRefusedAsync(anonymous.OpenEventStreamAsync(ticket.Ticket, c: C), HttpStatusCode.Unauthorized, "auth.invalid_ticket"); // used
        await AssertRefusedAsync(anonymous.OpenEventStreamAsync(node.AliceToken, c: C), HttpStatusCode.Unauthorized, "auth.invalid_ticket"); // a token in the URL
        await AssertRefusedAsync(anonymous.OpenEventStreamAsync(c: C), HttpStatusCode.Unauthorized, "auth.missing_token");
        string another = (await node.AliceClient.IssueEventTicketAsync(C)).Unwrap().Ticket;
        await AssertRefusedAsync(node.Root.WithToken(another).SendRawAsync(HttpMethod.Get, "v1/day", null, C), HttpStatusCode.Unauthorized, "auth.invalid_token");
        await AssertRefusedAsync(node.AliceClient.OpenEventStreamAsync(lifetimeSeconds: 0, c: C), HttpStatusCode.BadRequest, "request.invalid_value");

        // A suspended participant can neither get a ticket nor use one it already holds.
        (await node.Root.ChangeParticipantStatusAsync(ConsoleNode.Alice, "suspended", C)).Unwrap();
        await AssertRefusedAsync(anonymous.OpenEventStreamAsync(another, c: C), HttpStatusCode.Forbidden, "auth.participant_suspended");
        await AssertRefusedAsync(node.AliceClient.SendRawAsync(HttpMethod.Post, "v1/events/tickets", null, C), HttpStatusCode.Forbidden, "auth.participant_suspended");
    }

    [Fact]
    public void A_ticket_expires_after_its_lifetime_and_a_forged_one_is_refused()
    {
        var tokens = new ApiTokens(new byte[ApiTokens.KeyBytes]);
        var tickets = new EventTickets(tokens);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var caller = new Caller(1, CallerRole.Direct);
        (string ticket, _) = tickets.Issue(caller, now);
        Assert.False(tickets.TryRedeem(ticket, now + EventTickets.Lifetime, out _, out string reason));
        Assert.Equal("ticket expired", reason);
        Assert.True(tickets.TryRedeem(ticket, now + EventTickets.Lifetime - TimeSpan.FromMilliseconds(1), out Caller redeemed, out _));
        Assert.Equal(caller, redeemed);

        (string other, _) = new EventTickets(new ApiTokens(Enumerable.Repeat((byte)7, ApiTokens.KeyBytes).ToArray())).Issue(caller, now);
        Assert.False(tickets.TryRedeem(other, now, out _, out reason));
        Assert.Equal("bad signature", reason);
        Assert.False(tickets.TryRedeem(tokens.Issue(1, CallerRole.Direct, now.AddDays(1)), now, out _, out reason));
        Assert.Equal("malformed ticket", reason);
    }

    [Fact]
    public async Task A_stream_ends_with_an_end_event_when_its_lifetime_is_over()
    {
        await using ConsoleNode node = new();
        await node.InitializeAsync();
        await using EventReader stream = await EventReader.OpenAsync(node.AliceClient, lifetimeSeconds: 1);
        JsonElement end = await stream.NextAsync("end");
        Assert.Equal("lifetime", end.GetProperty("reason").GetString());
    }

    private static async Task AssertRefusedAsync(Task<HttpResponseMessage> call, HttpStatusCode status, string code)
    {
        using HttpResponseMessage r = await call;
        string body = await r.Content.ReadAsStringAsync(C);
        Assert.True(r.StatusCode == status, $"expected {(int)status} {code}, got {(int)r.StatusCode} {body}");
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }
}
