using System.Net;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>POST /v1/operators/{id}/status: a disabled operator user's tokens are refused from the next request on, re-enabling restores them, the audit log names who did it.</summary>
public sealed class OperatorStatusEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_disabled_users_token_is_403_at_once_re_enabled_it_works_and_the_audit_export_names_who_disabled_whom()
    {
        await using TestNode node = await TestNode.StartAsync();
        OperatorDto anna = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), C)).Unwrap();
        OperatorDto dora = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("dora", "administrator"), C)).Unwrap();
        Assert.Equal("active", anna.Status);
        CorridorClient annaClient = node.Operator.WithToken(anna.Token), doraClient = node.Operator.WithToken(dora.Token);
        // Anna's token works (and is now in the token memory of ApiTokens).
        Assert.True((await annaClient.ListOperatorsAsync(C)).Ok);

        OperatorDto disabled = (await doraClient.ChangeOperatorStatusAsync(anna.Id, "disabled", C)).Unwrap();
        Assert.Equal("disabled", disabled.Status);
        Assert.Equal(dora.Id, disabled.StatusChangedBy);
        Assert.True(disabled.StatusChangedAt > 0);

        ApiResult<OperatorDto[]> refused = await annaClient.ListOperatorsAsync(C);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("auth.operator_disabled", refused.Problem!.Code);
        ApiResult<ParticipantDto> suspend = await annaClient.ChangeParticipantStatusAsync(TestNode.Bob, "suspended", C);
        Assert.Equal("auth.operator_disabled", suspend.Problem!.Code);
        Assert.Equal("active", (await node.Operator.GetParticipantAsync(TestNode.Bob, C)).Unwrap().Status);
        // A token issued afterwards (re-registering the same name) is refused as well: the user, not the token, is disabled.
        OperatorDto reissued = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), C)).Unwrap();
        Assert.Equal("disabled", reissued.Status);
        Assert.Equal("auth.operator_disabled", (await node.Operator.WithToken(reissued.Token).ListOperatorsAsync(C)).Problem!.Code);

        OperatorDto[] listed = (await node.Operator.ListOperatorsAsync(C)).Unwrap();
        Assert.Equal("disabled", Assert.Single(listed, u => u.Id == anna.Id).Status);

        Assert.Equal("active", (await node.Operator.ChangeOperatorStatusAsync(anna.Id, "active", C)).Unwrap().Status);
        Assert.Equal("suspended", (await annaClient.ChangeParticipantStatusAsync(TestNode.Bob, "suspended", C)).Unwrap().Status);

        AuditExportDto audit = (await node.Operator.ExportAuditAsync(c: C)).Unwrap();
        Assert.True(audit.ChainIntact);
        AuditEntryDto[] changes = audit.Entries.Where(e => e.Operation == "change_operator_status").ToArray();
        Assert.Equal(2, changes.Length);
        Assert.Equal("dora", changes[0].OperatorName);
        Assert.Equal($"operator {anna.Id}", changes[0].Subject);
        Assert.Equal("status=Disabled was=Active name=anna", changes[0].Detail);
        Assert.Equal("root", changes[1].OperatorName);
        Assert.Equal("status=Active was=Disabled name=anna", changes[1].Detail);
    }

    [Fact]
    public async Task Only_an_administrator_may_change_a_status_and_the_root_cannot_be_disabled()
    {
        await using TestNode node = await TestNode.StartAsync();
        OperatorDto anna = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), C)).Unwrap();
        OperatorDto carl = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("carl", "compliance"), C)).Unwrap();
        CorridorClient annaClient = node.Operator.WithToken(anna.Token);

        ApiResult<OperatorDto> r = await annaClient.ChangeOperatorStatusAsync(carl.Id, "disabled", C);
        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Equal("auth.administrator_only", r.Problem!.Code);
        Assert.Equal("auth.operator_only", (await node.AliceClient.ChangeOperatorStatusAsync(carl.Id, "disabled", C)).Problem!.Code);

        r = await node.Operator.ChangeOperatorStatusAsync(1, "disabled", C);
        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal("operators.root_cannot_be_disabled", r.Problem!.Code);
        Assert.True((await node.Operator.ListOperatorsAsync(C)).Ok);

        r = await node.Operator.ChangeOperatorStatusAsync(999, "disabled", C);
        Assert.Equal(HttpStatusCode.NotFound, r.Status);
        Assert.Equal("operators.user_not_found", r.Problem!.Code);

        var (status, _, _) = await TestNode.Send(node.Operator, HttpMethod.Post, $"/v1/operators/{carl.Id}/status", """{"status":"locked"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/operators/x/status", """{"status":"disabled"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("active", Assert.Single((await node.Operator.ListOperatorsAsync(C)).Unwrap(), u => u.Id == carl.Id).Status);
    }

    [Fact]
    public async Task A_disabled_user_stays_disabled_after_a_restart()
    {
        string dir = Directory.CreateTempSubdirectory("corridor-server-test-").FullName;
        try
        {
            var options = new ServerOptions
            {
                DataPath = dir, Urls = ["http://127.0.0.1:0"], Node = new Corridor.Storage.Node.NodeOptions { SnapshotEveryEvents = 0 },
                MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
            };
            string annaToken;
            await using (CorridorServer first = await CorridorServer.StartAsync(options, C))
            {
                CorridorClient root = CorridorClient.Create(new Uri(first.Addresses[0]), first.NewOperatorToken!);
                OperatorDto anna = (await root.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), C)).Unwrap();
                annaToken = anna.Token!;
                (await root.ChangeOperatorStatusAsync(anna.Id, "disabled", C)).Unwrap();
            }
            await using CorridorServer second = await CorridorServer.StartAsync(options, C);
            ApiResult<OperatorDto[]> r = await CorridorClient.Create(new Uri(second.Addresses[0]), annaToken).ListOperatorsAsync(C);
            Assert.Equal(HttpStatusCode.Forbidden, r.Status);
            Assert.Equal("auth.operator_disabled", r.Problem!.Code);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
