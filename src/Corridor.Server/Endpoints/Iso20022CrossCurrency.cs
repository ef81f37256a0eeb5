using Corridor.Core.Currencies;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>
/// Cross-currency pacs.008 (InstdAmt in currency A, IntrBkSttlmAmt in currency B, XchgRate): settled payment-versus-payment
/// with one <see cref="PayAtBestQuote"/> per transaction — the best published quote A→B is locked and paid in the same
/// journaled item, both legs or neither. Mapping (agents, accounts, parties, trade references, the rate tolerance) is
/// <see cref="CrossCurrencyMapping"/>'s; this endpoint looks up, submits and answers.
/// Same-currency transactions of the same message settle as usual (SubmitPayment).
/// </summary>
internal static class Iso20022CrossCurrency
{
    public static bool IsCrossCurrency(CustomerCreditTransfer t) => CrossCurrencyMapping.IsCrossCurrency(t);

    public static async Task<IsoMessage> ReceiveAsync(NodeGateway gw, Caller caller, Pacs008Message m, IReadOnlyList<ValidationIssue> issues, string reportId, DateTimeOffset now)
    {
        int n = m.Transactions.Count;
        var (perTx, group) = Iso20022Replies.Split(issues, "CdtTrfTxInf", n);
        var statuses = new TransactionStatus[n];
        for (int i = 0; i < n; i++)
        {
            PaymentIdentification id = m.Transactions[i].PmtId;
            statuses[i] = new TransactionStatus
            {
                OrgnlInstrId = id.InstrId, OrgnlEndToEndId = id.EndToEndId, OrgnlTxId = id.TxId, OrgnlUetr = id.Uetr, TxSts = PaymentStatusCodes.Rejected,
                Reasons = perTx[i] is { } f ? ValueList.From(f.Take(10).ToList()) : default,
            };
        }
        if (group.Count > 0) return Iso20022Replies.Report(m.GrpHdr, m.MessageDefinition, reportId, now, statuses, group);

        string[] bics = m.Transactions.SelectMany(t => new[] { (t.InstgAgt ?? t.DbtrAgt).Bicfi, (t.InstdAgt ?? t.CdtrAgt).Bicfi })
            .Where(b => b is not null).Select(b => b!).Distinct(StringComparer.Ordinal).ToArray();
        string[] currencies = m.Transactions.SelectMany(t => new[] { t.IntrBkSttlmAmt.Currency, t.InstdAmt?.Currency ?? t.IntrBkSttlmAmt.Currency })
            .Distinct(StringComparer.Ordinal).ToArray();
        var (participants, settlementLedgers, accounts) = await gw.QueryAsync(engine =>
        {
            var p = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (string bic in bics) if (engine.Settlement.FindParticipantByBic(bic) is { } pid) p[bic] = pid;
            var l = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (string code in currencies) if (engine.Settlement.FindLedgerByCurrency(code) is { } ledger) l[code] = ledger;
            // Settlement accounts in the exchange's ledger of each currency (where PvP legs move).
            var a = new Dictionary<(ulong, string), UInt128>();
            foreach (ulong who in p.Values)
                foreach (string code in currencies)
                    if (engine.Exchange.Currencies.TryGet(code, out CurrencyInfo c) && engine.Settlement.GetSettlementAccount(who, c.Ledger) is { } acct)
                        a[(who, code)] = acct.AccountId;
            return (p, l, a);
        });
        var directory = new ParticipantDirectory(
            bic => participants.TryGetValue(bic, out ulong v) ? v : null, code => settlementLedgers.TryGetValue(code, out uint v) ? v : null);

        var rtgs = new List<(int Index, SubmitPaymentWithDetails Item)>();
        var pvp = new List<(int Index, PayAtBestQuote Item)>();
        for (int i = 0; i < n; i++)
        {
            if (perTx[i] is not null) continue;
            CustomerCreditTransfer tx = m.Transactions[i];
            if (!IsCrossCurrency(tx))
            {
                MappedPayment mapped = PaymentMapping.Map(m.MsgId, tx, directory);
                if (!mapped.IsMapped) { statuses[i] = statuses[i] with { Reasons = [Iso20022Replies.Reason(mapped.ReasonCode!, mapped.Reason!)] }; continue; }
                Iso20022Replies.RequireCallerInstructs(caller, mapped.Payment!.Value.Payer, $"the instructing agent of CdtTrfTxInf[{i}]");
                rtgs.Add((i, new SubmitPaymentWithDetails(mapped.Payment!.Value, mapped.Details ?? PaymentDetails.None)));
                continue;
            }
            MappedCrossCurrency mappedPvp = CrossCurrencyMapping.Map(m.MsgId, tx, bic => participants.TryGetValue(bic, out ulong v) ? v : null,
                (who, code) => accounts.TryGetValue((who, code), out UInt128 a) ? a : null);
            if (!mappedPvp.IsMapped) { statuses[i] = statuses[i] with { Reasons = [Iso20022Replies.Reason(mappedPvp.ReasonCode!, mappedPvp.Reason!)] }; continue; }
            Iso20022Replies.RequireCallerInstructs(caller, mappedPvp.Payment!.Payer, $"the instructing agent of CdtTrfTxInf[{i}]");
            pvp.Add((i, mappedPvp.Payment!));
        }

        if (rtgs.Count > 0)
        {
            // Same-currency transactions go exactly as in a same-currency message (Iso20022Replies.SubmitSameCurrencyAsync).
            Iso20022Replies.SameCurrencyAnswer[] answers = await Iso20022Replies.SubmitSameCurrencyAsync(gw, rtgs.Select(r => r.Item).ToArray());
            for (int k = 0; k < rtgs.Count; k++)
                statuses[rtgs[k].Index] = statuses[rtgs[k].Index] with
                {
                    TxSts = answers[k].Status, Reasons = answers[k].Reasons, AcctSvcrRef = Iso20022Replies.Ref(answers[k].Outcome.PaymentId),
                };
        }
        if (pvp.Count > 0)
        {
            PayAtBestQuote[] items = pvp.Select(p => p.Item).ToArray();
            PayResult[] results = await Iso20022Replies.SubmitPvpAsync(gw, items);
            // Compliance rejections carry their ISO reason (RR01–RR04, AM02...) on the compliance record.
            string?[] complianceCodes = await gw.QueryAsync(engine => items.Select(p =>
                engine.Compliance.TryGetPayment(p.PaymentId, out var c) ? c.Decision.Iso20022Reason : null).ToArray());
            for (int k = 0; k < pvp.Count; k++)
            {
                PayResult r = results[k];
                string sts = r switch
                {
                    PayResult.Ok => PaymentStatusCodes.SettlementCompleted,
                    PayResult.HeldForCompliance or PayResult.Queued => PaymentStatusCodes.Pending,
                    _ => PaymentStatusCodes.Rejected,
                };
                ValueList<ReasonInfo> reasons = r switch
                {
                    PayResult.Ok => default,
                    PayResult.HeldForCompliance => [Iso20022Replies.Reason("NARR", "exchange.held_for_compliance: held for review by the compliance officer")],
                    PayResult.Queued => [Iso20022Replies.Reason("NARR", "exchange.queued: waiting in the debtor agent's queue for liquidity")],
                    _ => [Iso20022Replies.Reason(StatusReasonMapping.ReasonCodeOf(r, complianceCodes[k]), "exchange." + Wire.Snake(r) + Detail(r))],
                };
                statuses[pvp[k].Index] = statuses[pvp[k].Index] with { TxSts = sts, Reasons = reasons, AcctSvcrRef = Iso20022Replies.Ref(items[k].PaymentId) };
            }
        }
        return Iso20022Replies.Report(m.GrpHdr, m.MessageDefinition, reportId, now, statuses);
    }


    private static string Detail(PayResult r) => r switch
    {
        PayResult.ExchangeRateMismatch => $": the best quote's rate differs from XchgRate by more than {CrossCurrencyMapping.RateTolerancePpm / 10_000.0:0.##} %",
        PayResult.NoQuoteAvailable => ": no published quote converts this pair and amount now",
        _ => "",
    };
}
