using System.Security.Cryptography;
using Corridor.Server.Auth;

namespace Corridor.Server.Tests;

/// <summary>Token verification, including the memory of tokens that already verified.</summary>
public class ApiTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_remembered_token_still_expires()
    {
        var tokens = new ApiTokens(RandomNumberGenerator.GetBytes(ApiTokens.KeyBytes));
        string token = tokens.Issue(42, CallerRole.Direct, Now.AddSeconds(10));
        Assert.True(tokens.TryVerify(token, Now, out Caller first, out _));
        Assert.True(tokens.TryVerify(token, Now.AddSeconds(9), out Caller again, out _));
        Assert.Equal(first, again);
        Assert.Equal(new Caller(42, CallerRole.Direct), again);
        Assert.False(tokens.TryVerify(token, Now.AddSeconds(10), out _, out string reason));
        Assert.Equal("token expired", reason);
    }

    [Fact]
    public void A_token_differing_in_one_character_from_a_remembered_one_is_refused()
    {
        var tokens = new ApiTokens(RandomNumberGenerator.GetBytes(ApiTokens.KeyBytes));
        string token = tokens.Issue(7, CallerRole.Operator, Now.AddDays(1));
        Assert.True(tokens.TryVerify(token, Now, out _, out _));
        char[] forged = token.ToCharArray();
        forged[^5] = forged[^5] == 'A' ? 'B' : 'A';
        Assert.False(tokens.TryVerify(new string(forged), Now, out _, out string reason));
        Assert.Equal("bad signature", reason);
        var other = new ApiTokens(RandomNumberGenerator.GetBytes(ApiTokens.KeyBytes));
        Assert.False(other.TryVerify(token, Now, out _, out _));
    }
}
