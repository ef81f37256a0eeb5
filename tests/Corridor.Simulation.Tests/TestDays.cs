using Corridor.Core.Settlement;
using Corridor.Simulation;

namespace Corridor.Simulation.Tests;

/// <summary>Small hand-written days for the tests.</summary>
internal static class TestDays
{
    /// <summary>Builds a one-currency (EUR) day; payments are (payer, payee, amount in minor units) at 09:00:00 + i seconds.</summary>
    public static PaymentDay Build(int participants, params (int Payer, int Payee, long Amount)[] payments) =>
        Build(participants, PaymentPriority.Normal, payments);

    public static PaymentDay Build(int participants, PaymentPriority priority, params (int Payer, int Payee, long Amount)[] payments)
    {
        int n = payments.Length;
        var names = new string[participants];
        for (int i = 0; i < participants; i++) names[i] = ((char)('A' + i)).ToString();
        var time = new int[n]; var payer = new int[n]; var payee = new int[n]; var currency = new byte[n]; var amount = new long[n];
        var priorities = new PaymentPriority[n]; var kinds = new PaymentKind[n];
        for (int i = 0; i < n; i++)
        {
            time[i] = 9 * 3_600_000 + i * 1000;
            (payer[i], payee[i], amount[i]) = payments[i];
            priorities[i] = priority;
            kinds[i] = PaymentKind.Interbank;
        }
        return new PaymentDay(names, [new DayCurrency("EUR", 1_000_000)], time, payer, payee, currency, amount, priorities, kinds);
    }

    /// <summary>Ring A→B→C→A of 100.00 each.</summary>
    public static PaymentDay Ring() => Build(3, (0, 1, 10_000), (1, 2, 10_000), (2, 0, 10_000));
}
