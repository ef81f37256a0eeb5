using Corridor.Core.Settlement;
using Corridor.Simulation;

namespace Corridor.Simulation.Tests;

public class DayCsvTests
{
    [Fact]
    public void Generated_day_round_trips_through_csv()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 40, Payments = 3_000, Seed = 3, Currencies = 3 });
        var writer = new StringWriter();
        DayCsv.Write(day, writer);
        PaymentDay back = DayCsv.Read(new StringReader(writer.ToString()));
        Assert.Equal(day.ComputeHash(), back.ComputeHash());
    }

    [Fact]
    public void File_round_trip()
    {
        PaymentDay day = TestDays.Ring();
        string path = Path.Combine(Path.GetTempPath(), $"corridor-day-{Guid.NewGuid():N}.csv");
        try
        {
            DayCsv.Save(day, path);
            Assert.Equal(day.ComputeHash(), DayCsv.Load(path).ComputeHash());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Reads_a_minimal_file_and_sorts_by_time()
    {
        const string csv = """
            payer,payee,amount,currency,time,priority
            BANKB,BANKA,10,EUR,10:00:00,normal
            BANKA,BANKB,1234.5,EUR,09:30:00.250,urgent
            """;
        PaymentDay day = DayCsv.Read(new StringReader(csv));
        Assert.Equal(2, day.Payments);
        Assert.Equal(["BANKA", "BANKB"], day.ParticipantNames);
        Assert.Equal(9 * 3_600_000 + 30 * 60_000 + 250, day.TimeMs[0]);
        Assert.Equal(123_450, day.AmountMinor[0]);
        Assert.Equal(PaymentPriority.Urgent, day.Priority[0]);
        Assert.Equal(PaymentKind.Interbank, day.Kind[0]);
        Assert.Equal(1_000, day.AmountMinor[1]);
    }

    [Theory]
    [InlineData("payer,payee,amount\nA,B,1", 1, "expected header")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,1,EUR,09:00:00", 2, "expected 6 fields")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,1,EUR,09:00:00,normal\nA,B,1.234,EUR,09:00:00,normal", 3, "at most 2 decimals")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,-5,EUR,09:00:00,normal", 2, "amount")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,0,EUR,09:00:00,normal", 2, "must be positive")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,1,XYZ,09:00:00,normal", 2, "currency 'XYZ'")]
    [InlineData("payer,payee,amount,currency,time,priority\n\nA,B,1,EUR,25:00:00,normal", 3, "time '25:00:00'")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,1,EUR,9:00,normal", 2, "time '9:00'")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,B,1,EUR,09:00:00,fast", 2, "priority 'fast'")]
    [InlineData("payer,payee,amount,currency,time,priority\nA,A,1,EUR,09:00:00,normal", 2, "payer and payee")]
    [InlineData("payer,payee,amount,currency,time,priority\n,B,1,EUR,09:00:00,normal", 2, "payer is empty")]
    [InlineData("payer,payee,amount,currency,time,priority,kind\nA,B,1,EUR,09:00:00,normal,retail", 2, "kind 'retail'")]
    [InlineData("#currency:EUR=abc\npayer,payee,amount,currency,time,priority", 1, "currency directive")]
    [InlineData("", 1, "empty file")]
    [InlineData("payer,payee,amount,currency,time,priority\n", 1, "at least two participants")]
    public void Errors_name_the_line_and_the_field(string csv, int line, string fragment)
    {
        DayCsvException e = Assert.Throws<DayCsvException>(() => DayCsv.Read(new StringReader(csv)));
        Assert.Equal(line, e.Line);
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith($"line {line}: ", e.Message);
    }

    [Fact]
    public void Currency_exponent_comes_from_iso4217()
    {
        const string csv = "payer,payee,amount,currency,time,priority\nA,B,1500,JPY,09:00:00,normal\nA,B,1.5,JPY,09:00:01,normal";
        DayCsvException e = Assert.Throws<DayCsvException>(() => DayCsv.Read(new StringReader(csv)));
        Assert.Equal(3, e.Line);
    }
}
