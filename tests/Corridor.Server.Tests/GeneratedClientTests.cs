using System.Diagnostics;
using System.Net;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// The OpenAPI document is the contract the server binds: Kiota (a standard generator, installed as a .NET local tool from
/// .config/dotnet-tools.json) generates a C# client from the live <c>/openapi/v1.json</c> of a running server; the
/// generated client, compiled here, pays same-currency and cross-currency and reads a refused payment's problem.
/// </summary>
public sealed class GeneratedClientTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private const ulong Carol = 3;
    private const uint Usd = 840, Kes = 404;
    private const string AliceUsd = "0xA840", BobKes = "0xB404", CarolUsd = "0xC840", CarolKes = "0xC404", QuoteId = "0xF1";

    /// <summary>Kiota packages the generated code needs (served by the NuGet mirror; see /work/.library/env/packages/nuget.tsv).</summary>
    private const string KiotaVersion = "2.1.6";

    [Fact]
    public async Task A_client_generated_by_kiota_from_the_live_document_pays_same_and_cross_currency_and_reads_problems()
    {
        await using TestNode node = await TestNode.StartAsync();
        CorridorClient op = node.Operator;
        (await op.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        await FxWorldAsync(node);

        string root = RepositoryRoot();
        string work = Directory.CreateTempSubdirectory("corridor-kiota-").FullName;
        try
        {
            string baseUrl = node.Server.Addresses[0];
            await AssertDocumentIsTheServerContractAsync(node);
            await RunAsync(root, "dotnet", "tool", "restore");
            await RunAsync(root, "dotnet", "kiota", "generate", "--language", "CSharp", "--openapi", baseUrl + "/openapi/v1.json",
                "--output", Path.Combine(work, "Generated"), "--namespace-name", "Corridor.Generated", "--class-name", "CorridorApi",
                "--exclude-backward-compatible", "--clean-output", "--log-level", "Warning");
            await File.WriteAllTextAsync(Path.Combine(work, "Pay.csproj"), Project, C);
            await File.WriteAllTextAsync(Path.Combine(work, "Program.cs"), Program, C);
            await RunAsync(work, "dotnet", "build", "-c", "Release", "--nologo", "-v", "quiet", "-clp:ErrorsOnly");

            string output = await RunAsync(work, "dotnet", Path.Combine(work, "bin", "Release", "net10.0", "Pay.dll"), baseUrl, node.AliceToken, node.Server.NewOperatorToken!);
            Dictionary<string, string> lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

            Assert.Equal("settled 7001 2500", lines["same"]);
            Assert.Equal("locked 50000 6467500", lines["lock"]);
            Assert.Equal("settled 50000 6467500 INV-2026-0042", lines["fx"]);
            Assert.Equal("422 settlement.payee_not_found 7002 rejected", lines["refused"]);
            Assert.Equal("400 request.invalid_amount", lines["too_large"]);
            Assert.Equal("4 KCBLKENX", lines["participants"]);

            // What the generated client did is what the engine booked.
            Assert.Equal("settled", (await op.GetPaymentAsync("7001", C)).Unwrap().Status);
            Assert.Equal(TestNode.Funding - 2_500, (await op.GetSettlementAccountAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap().BalanceMinor);
            Assert.Equal(6_467_500, (await op.GetAccountAsync(BobKes, C)).Unwrap().CreditsPosted);
            Assert.Equal(50_000, (await op.GetAccountAsync(AliceUsd, C)).Unwrap().DebitsPosted);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The live document names members as the server binds them, with exact types and the problem answers.</summary>
    private static async Task AssertDocumentIsTheServerContractAsync(TestNode node)
    {
        var (status, body, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/openapi/v1.json", null);
        Assert.Equal(HttpStatusCode.OK, status);
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
        var payment = schemas.GetProperty("SubmitPaymentRequest").GetProperty("properties");
        Assert.True(payment.TryGetProperty("trade_reference", out _));
        Assert.False(payment.TryGetProperty("tradeReference", out _));
        Assert.Equal("integer", payment.GetProperty("amount").GetProperty("type").GetString());
        Assert.Equal("string", payment.GetProperty("id").GetProperty("type").GetString()); // 128-bit ids stay strings
        var businessDate = schemas.GetProperty("OpenDayRequest").GetProperty("properties").GetProperty("business_date");
        Assert.Equal(("string", "date"), (businessDate.GetProperty("type").GetString(), businessDate.GetProperty("format").GetString()));
        // AllowReadingFromString would make numbers "integer or string": no schema in the document may be both.
        Assert.DoesNotContain("\"string\",\"integer\"", body.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        Assert.DoesNotContain("\"integer\",\"string\"", body.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        var refused = doc.RootElement.GetProperty("paths").GetProperty("/v1/payments").GetProperty("post").GetProperty("responses").GetProperty("422");
        Assert.Equal("#/components/schemas/ProblemDto", refused.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(schemas.GetProperty("ProblemDto").GetProperty("properties").TryGetProperty("payment_status", out _));
    }

    /// <summary>Alice (1) holds 1,000.00 USD; Carol (3) quotes USD → KES at 129.35 from 1,000,000.00 KES; Bob (2) receives KES.</summary>
    private static async Task FxWorldAsync(TestNode node)
    {
        CorridorClient op = node.Operator;
        string carolToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Carol, "Carol FX", "direct"), C)).Unwrap().Token;
        string[] limited = ["debits_must_not_exceed_credits"];
        (await op.CreateAccountAsync(new CreateAccountRequest("0xCB840", Usd, 1, Participant: TestNode.CentralBank), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest("0xCB404", Kes, 1, Participant: TestNode.CentralBank), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(AliceUsd, Usd, 1, Participant: TestNode.Alice, Flags: limited), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(BobKes, Kes, 1, Participant: TestNode.Bob), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(CarolUsd, Usd, 1, Participant: Carol), C)).Unwrap();
        (await op.CreateAccountAsync(new CreateAccountRequest(CarolKes, Kes, 1, Participant: Carol, Flags: limited), C)).Unwrap();
        (await op.CreateTransferAsync(new CreateTransferRequest("0xF001", "0xCB840", AliceUsd, 100_000, Usd, 1), C)).Unwrap();
        (await op.CreateTransferAsync(new CreateTransferRequest("0xF002", "0xCB404", CarolKes, 100_000_000, Kes, 1), C)).Unwrap();
        var quote = new PublishQuoteRequest(QuoteId, "USD", "KES", new FxRateDto(12935, 100), 100, 1_000_000,
            (ulong)(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000), CarolUsd, CarolKes, 60);
        (await op.WithToken(carolToken).PublishQuoteAsync(quote, C)).Unwrap();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Corridor.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Corridor.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a process to completion (bounded); a non-zero exit fails the test with its output.</summary>
    private static async Task<string> RunAsync(string directory, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using Process p = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + file);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(C), stderr = p.StandardError.ReadToEndAsync(C);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(C);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw; }
        string output = await stdout, errors = await stderr;
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{output}\n{errors}");
        return output;
    }

    private static readonly string Project = $$"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.Kiota.Abstractions" Version="{{KiotaVersion}}" />
            <PackageReference Include="Microsoft.Kiota.Http.HttpClientLibrary" Version="{{KiotaVersion}}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Json" Version="{{KiotaVersion}}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Text" Version="{{KiotaVersion}}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Form" Version="{{KiotaVersion}}" />
            <PackageReference Include="Microsoft.Kiota.Serialization.Multipart" Version="{{KiotaVersion}}" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>The program written against the generated client: each line is "name result".</summary>
    private const string Program = """
        using Corridor.Generated;
        using Corridor.Generated.Models;
        using Microsoft.Kiota.Abstractions;
        using Microsoft.Kiota.Abstractions.Authentication;
        using Microsoft.Kiota.Http.HttpClientLibrary;

        var adapter = new HttpClientRequestAdapter(new Bearer(args[1])) { BaseUrl = args[0] };
        var api = new CorridorApi(adapter);

        PaymentDto same = (await api.V1.Payments.PostAsync(new SubmitPaymentRequest { Id = "0x1B59", Payee = 2, Ledger = 1, Amount = 2500, Kind = "interbank", Priority = "urgent" }))!;
        Console.WriteLine($"same {same.Status} {same.Id} {same.Amount}");

        LockDto locked = (await api.V1.Fx.Locks.PostAsync(new LockQuoteRequest
        {
            Id = "0x1A", QuoteId = "0xF1", PayerAccountId = "0xA840", PayeeAccountId = "0xB404", Amount = 50_000, LockSeconds = 30,
        }))!;
        Console.WriteLine($"lock {locked.Status} {locked.SourceAmount} {locked.DestinationAmount}");

        FxPaymentDto fx = (await api.V1.Fx.Payments.PostAsync(new PayAgainstLockRequest
        {
            Id = "0x1F", LockId = "0x1A",
            Originator = new FxPartyDto { Name = "Acme Trading Ltd", TownName = "New York", Country = "US", Account = "US12345678", IdScheme = "bic", Identifier = "ACMEUS33" },
            Beneficiary = new FxPartyDto { Name = "Wanjiru Kamau", TownName = "Nairobi", Country = "KE", Account = "KE0012345", IdScheme = "tax_id", Identifier = "P051234567X" },
            Trade = new FxTradeReferenceDto
            {
                InvoiceNumber = "INV-2026-0042", InvoiceDate = new Date(2026, 11, 20), LetterOfCreditReference = "LC-KE-77", GoodsDescription = "Roasted coffee beans, 20 t",
                HsCode = "090121", Incoterms = "FOB", IncotermsPlace = "Mombasa",
            },
        }))!;
        Console.WriteLine($"fx {fx.Status} {fx.SourceAmount} {fx.DestinationAmount} {fx.Trade!.InvoiceNumber}");

        try
        {
            await api.V1.Payments.PostAsync(new SubmitPaymentRequest { Id = "0x1B5A", Payee = 999, Ledger = 1, Amount = 100, Kind = "interbank" });
            Console.WriteLine("refused none");
        }
        catch (ProblemDto p)
        {
            Console.WriteLine($"refused {p.ResponseStatusCode} {p.Code} {p.PaymentId} {p.PaymentStatus}");
        }

        try
        {
            await api.V1.Payments.PostAsync(new SubmitPaymentRequest { Id = "0x1B5B", Payee = 2, Ledger = 1, Amount = long.MaxValue, Kind = "interbank" });
            Console.WriteLine("too_large none");
        }
        catch (ProblemDto p)
        {
            Console.WriteLine($"too_large {p.ResponseStatusCode} {p.Code}");
        }

        // The operator lists participants; the one registered with a BIC shows it (the operator's own row, id 2^64−1, is not a participant).
        var asOperator = new CorridorApi(new HttpClientRequestAdapter(new Bearer(args[2])) { BaseUrl = args[0] });
        await asOperator.V1.Participants.PostAsync(new RegisterParticipantRequest { Id = 7, Name = "Kenya Commercial", Role = "direct", Bic = "KCBLKENX" });
        List<ParticipantDto> all = (await asOperator.V1.Participants.GetAsync())!;
        Console.WriteLine($"participants {all.Count(p => p.Role == "direct")} {all.Single(p => p.Id == 7).Bic}");

        sealed class Bearer(string token) : IAuthenticationProvider
        {
            public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? context = null, CancellationToken cancel = default)
            {
                request.Headers.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            }
        }
        """;
}
