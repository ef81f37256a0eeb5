namespace Corridor.Client;

/// <summary>A single-use ticket that opens one event stream (<c>GET /v1/events?ticket=</c>) and when it expires if unused.</summary>
public sealed record EventTicketDto(string Ticket, DateTimeOffset ExpiresAt);

/// <summary>Event <c>account</c>: an account's balances changed (sent to its owner and to operator users).</summary>
public sealed record AccountEventDto(string AccountId, uint Ledger, ulong Participant, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

/// <summary>Event <c>changed</c> (operator users only): the journal moved to <c>Sequence</c>; screens showing other state may refresh.</summary>
public sealed record ChangedEventDto(long Sequence);

/// <summary>Event <c>end</c>: the server closes the stream (<c>lifetime</c>, <c>overflow</c>, <c>stopping</c>, or an auth code such as <c>auth.participant_suspended</c>).</summary>
public sealed record StreamEndDto(string Reason);
