using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Corridor.Server.Http;

namespace Corridor.Cli.Tests;

/// <summary>
/// <c>corridor certs dev</c>, <c>corridor run --tls-cert/--tls-key/--client-ca</c> and <c>corridor participants certificates</c>
/// as real processes; <c>corridor run --log-level information</c> writes one JSON line per payment with its id and batch.
/// </summary>
public sealed class TlsAndLogsCommandTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    /// <summary>Starts <c>corridor run</c> and waits until it is ready (polling the CLI's own view: the operator token exists and a call answers).</summary>
    private static async Task<Process> RunNodeAsync(string data, Func<Task<bool>> ready, params string[] extra)
    {
        Process node = CorridorProcess.Start(["run", "--data", data, .. extra]);
        for (int i = 0; i < 150; i++)
        {
            await Task.Delay(200, C);
            if (node.HasExited) Assert.Fail($"corridor run exited {node.ExitCode}: {await node.StandardError.ReadToEndAsync(C)}");
            if (File.Exists(Path.Combine(data, "secrets", "operator.token")) && await ready()) return node;
        }
        node.Kill(entireProcessTree: true);
        Assert.Fail("corridor run did not become ready");
        return node;
    }

    [Fact]
    public async Task Run_takes_an_OTLP_endpoint_URL_and_refuses_anything_else_with_a_clear_error()
    {
        using var dir = new TempDir();
        var (exit, _, stderr) = await CorridorProcess.RunAsync("run", "--data", Path.Combine(dir.Path, "bad"), "--otlp-endpoint", "collector:4317");
        Assert.NotEqual(0, exit);
        Assert.Contains("--otlp-endpoint must be an absolute http:// or https:// URL", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
        (exit, _, stderr) = await CorridorProcess.RunAsync("run", "--data", Path.Combine(dir.Path, "bad"), "--otlp-endpoint", "http://127.0.0.1:4317", "--trace-sample-ratio", "1.5");
        Assert.Equal(2, exit);
        Assert.Contains("--trace-sample-ratio must be 0 … 1", stderr);
        (exit, _, stderr) = await CorridorProcess.RunAsync("run", "--data", Path.Combine(dir.Path, "bad"), "--trace-sample-ratio", "0.5");
        Assert.Equal(2, exit);
        Assert.Contains("--trace-sample-ratio needs --otlp-endpoint", stderr);
        // The documented form starts a node that serves (with nothing listening at the endpoint, spans are simply not delivered).
        int port = LoopbackPorts.Free();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Process node = await RunNodeAsync(Path.Combine(dir.Path, "data"), async () =>
        {
            try { return (await http.GetAsync("/health/ready", C)).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--read-model", "none", "--otlp-endpoint", "http://127.0.0.1:4317", "--trace-sample-ratio", "0.1");
        node.Kill(entireProcessTree: true);
        await node.WaitForExitAsync(C);
    }

    [Fact]
    public async Task Dev_certificates_a_mutual_TLS_node_and_binding_revoking_listing_from_the_CLI()
    {
        using var dir = new TempDir();
        string certs = Path.Combine(dir.Path, "certs"), data = Path.Combine(dir.Path, "data");
        var (exit, stdout, stderr) = await CorridorProcess.RunAsync("certs", "dev", "--out", certs, "--client", "bank-a");
        Assert.True(exit == 0, stderr);
        foreach (string f in new[] { "ca.pem", "ca.key", "server.pem", "server.key", "bank-a.pem", "bank-a.key" }) Assert.True(File.Exists(Path.Combine(certs, f)), f);
        Assert.Contains("bank-a.pem", stdout);

        int port = LoopbackPorts.Free();
        string url = $"https://127.0.0.1:{port}";
        var trust = new Dictionary<string, string> { ["SSL_CERT_FILE"] = Path.Combine(certs, "ca.pem") };
        Task<(int, string, string)> Cli(params string[] args) => CorridorProcess.RunAsync(trust, [.. args, "--data", data, "--url", url]);
        using Process node = await RunNodeAsync(data, async () => (await Cli("participants", "list")).Item1 == 0, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert", Path.Combine(certs, "server.pem"), "--tls-key", Path.Combine(certs, "server.key"), "--client-ca", Path.Combine(certs, "ca.pem"));
        try
        {
            Assert.Equal(0, (await Cli("participants", "add", "--id", "1", "--name", "Bank A")).Item1);
            (exit, stdout, stderr) = await Cli("participants", "certificates", "add", "--participant", "1", "--cert", Path.Combine(certs, "bank-a.pem"));
            Assert.True(exit == 0, stderr);
            Assert.StartsWith("bound sha256:", stdout);
            (exit, stdout, _) = await Cli("participants", "certificates", "list", "--json");
            using (JsonDocument listed = JsonDocument.Parse(stdout))
            {
                JsonElement b = Assert.Single(listed.RootElement.EnumerateArray().ToArray());
                Assert.Equal(("participant", 1UL, "active"), (b.GetProperty("principal").GetString(), b.GetProperty("principal_id").GetUInt64(), b.GetProperty("status").GetString()));
            }
            (exit, _, _) = await Cli("participants", "certificates", "revoke", "--cert", Path.Combine(certs, "bank-a.pem"));
            Assert.Equal(0, exit);
            (exit, _, stderr) = await Cli("participants", "certificates", "add", "--participant", "1", "--cert", Path.Combine(certs, "bank-a.pem"));
            Assert.Equal(1, exit);
            Assert.Contains("certificates.certificate_revoked", stderr);
            (exit, _, stderr) = await Cli("participants", "certificates", "add", "--participant", "1");
            Assert.Equal(1, exit); // bad usage: System.CommandLine's validation
            Assert.Contains("exactly one of --cert, --thumbprint, --subject", stderr);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync(C);
        }
        (exit, _, stderr) = await CorridorProcess.RunAsync("run", "--data", data, "--client-ca", Path.Combine(certs, "ca.pem"));
        Assert.Equal(2, exit);
        Assert.Contains("--client-ca needs --tls-cert and --tls-key", stderr);
    }

    [Fact]
    public async Task At_log_level_information_each_payment_is_one_JSON_line_with_its_id_outcome_and_batch()
    {
        using var dir = new TempDir();
        int port = LoopbackPorts.Free();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using Process node = await RunNodeAsync(dir.Path, async () =>
        {
            try { return (await http.GetAsync("/health/ready", C)).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "information");
        string token = File.ReadAllText(Path.Combine(dir.Path, "secrets", "operator.token")).Trim();
        async Task Post(string path, string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage r = await http.SendAsync(request, C);
            Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(C)}");
        }
        string stdout;
        try
        {
            await Post("/v1/participants", """{"id":100,"name":"CB","role":"central-bank"}""");
            await Post("/v1/participants", """{"id":1,"name":"A","role":"direct"}""");
            await Post("/v1/participants", """{"id":2,"name":"B","role":"direct"}""");
            await Post("/v1/ledgers", """{"ledger":1,"central_bank_id":100,"central_bank_account_id":"0x1000","clearing_account_id":"0x1001","currency_code":"KES"}""");
            await Post("/v1/settlement-accounts", """{"participant":1,"ledger":1,"account_id":"0x11"}""");
            await Post("/v1/settlement-accounts", """{"participant":2,"ledger":1,"account_id":"0x21"}""");
            await Post("/v1/liquidity", """{"transfer_id":"0x9001","participant":1,"ledger":1,"amount":1000,"direction":"inject"}""");
            await Post("/v1/day/open", """{"business_date":"2026-11-23"}""");
            await Post("/v1/payments", """{"id":"0x7001","payer":1,"payee":2,"ledger":1,"amount":5,"kind":"interbank"}""");
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            stdout = await node.StandardOutput.ReadToEndAsync(C);
            await node.WaitForExitAsync(C);
        }
        JsonElement[] logs = stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        JsonElement payment = Assert.Single(logs, l => l.GetProperty("Category").GetString() == "Corridor.Server");
        JsonElement state = payment.GetProperty("State");
        Assert.Equal(("28673", "settled"), (state.GetProperty("PaymentId").GetString(), state.GetProperty("Outcome").GetString()));
        Assert.True(state.GetProperty("Batch").GetInt64() > 0);
        Assert.DoesNotContain(logs, l => l.GetProperty("Category").GetString()!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
