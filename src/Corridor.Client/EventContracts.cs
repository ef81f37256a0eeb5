namespace Corridor.Client;

/// <summary>A single-use ticket that opens one event stream (<c>GET /v1/events?ticket=</c>) and when it expires if unused.</summary>
/// <param name="Ticket">The opaque ticket, passed as <c>?ticket=</c>; it opens one stream once (401 <c>auth.invalid_ticket</c> after).</param>
/// <param name="ExpiresAt">When it expires if unused (30 s after issue).</param>
public sealed record EventTicketDto(string Ticket, DateTimeOffset ExpiresAt);

/// <summary>Event <c>account</c>: an account's balances changed (sent to its owner and to operator users).</summary>
/// <param name="AccountId">The account's id (decimal).</param>
/// <param name="Ledger">Its ledger.</param>
/// <param name="Participant">Its owner.</param>
/// <param name="DebitsPending">Pending debits now, minor units.</param>
/// <param name="DebitsPosted">Posted debits now, minor units.</param>
/// <param name="CreditsPending">Pending credits now, minor units.</param>
/// <param name="CreditsPosted">Posted credits now, minor units.</param>
public sealed record AccountEventDto(string AccountId, uint Ledger, ulong Participant, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

/// <summary>Event <c>changed</c> (operator users only): the journal moved to <c>Sequence</c>; screens showing other state may refresh.</summary>
/// <param name="Sequence">The journal batch sequence now applied.</param>
public sealed record ChangedEventDto(long Sequence);

/// <summary>Event <c>end</c>: the server closes the stream (<c>lifetime</c>, <c>overflow</c>, <c>stopping</c>, or an auth code such as <c>auth.participant_suspended</c>).</summary>
/// <param name="Reason"><c>lifetime</c> (the stream's <c>lifetime_seconds</c> ran out), <c>overflow</c> (the reader fell 4,096 events
/// behind: re-read the API, open a new stream), <c>stopping</c> (the node stops), or an <c>auth.*</c> code.</param>
public sealed record StreamEndDto(string Reason);
