using System.Diagnostics;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// src/Corridor.Client is a NuGet package: packed into a local folder feed, referenced by a fresh console program restored from
/// that feed alone, which then pays against a real node.
/// </summary>
public sealed class ClientPackageTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_packed_client_restores_from_a_local_feed_and_a_console_program_pays_with_it()
    {
        string root = TestNode.RepositoryRoot();
        DirectoryInfo work = Directory.CreateTempSubdirectory("corridor-client-package-");
        try
        {
            string feed = Path.Combine(work.FullName, "feed"), app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            // test.sh builds the solution in Release first; --no-build packs exactly what the tests run against.
            await Dotnet(root, "pack", Path.Combine(root, "src", "Corridor.Client", "Corridor.Client.csproj"), "-c", "Release", "--no-build", "-o", feed, "-p:Version=0.1.0-local");
            string package = Assert.Single(Directory.GetFiles(feed, "*.nupkg"));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
            {
                Assert.Contains(zip.Entries, e => e.FullName == "README.md");
                Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Corridor.Client.xml");
            }

            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "PayOnce.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
                  <ItemGroup><PackageReference Include="Corridor.Client" Version="0.1.0-local" /></ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Corridor.Client;
                var client = CorridorClient.Create(new Uri(args[0]), args[1]);
                ApiResult<PaymentDto> paid = await client.SubmitPaymentAsync(new SubmitPaymentRequest("0x6001", ulong.Parse(args[2]), 1, 2500, Kind: "interbank"));
                Console.WriteLine(paid.Ok ? "payment " + paid.Value!.Id + " " + paid.Value.Status : "refused " + paid.Problem?.Code);
                return paid.Ok ? 0 : 1;
                """);
            string packages = Path.Combine(work.FullName, "packages"); // a private package cache: nothing from an earlier run is reused
            await Dotnet(app, "build", "PayOnce.csproj", "-c", "Release", "--nologo", "-v", "quiet", $"-p:RestorePackagesPath={packages}");

            await using TestNode node = await TestNode.StartAsync();
            (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
            string output = await Dotnet(app, Path.Combine(app, "bin", "Release", "net10.0", "PayOnce.dll"), node.Server.Addresses[0], node.AliceToken, TestNode.Bob.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("payment 24577 settled", output.Trim());
            PaymentDto seen = (await node.BobClient.GetPaymentAsync("0x6001", C)).Unwrap();
            Assert.Equal((TestNode.Alice, TestNode.Bob, 2500L, "settled"), (seen.Payer, seen.Payee, seen.Amount, seen.Status));
        }
        finally
        {
            try { work.Delete(true); } catch (IOException) { }
        }
    }

    /// <summary>Runs <c>dotnet</c> with the arguments in <paramref name="directory"/>; fails the test with its output unless it exits 0.</summary>
    private static async Task<string> Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(C), stderr = process.StandardError.ReadToEndAsync(C);
        await process.WaitForExitAsync(C);
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}\n{await stderr}");
        return output;
    }
}
