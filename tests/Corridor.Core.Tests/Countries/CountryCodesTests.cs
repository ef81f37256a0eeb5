using Corridor.Core.Countries;

namespace Corridor.Core.Tests.Countries;

/// <summary>The ISO 3166-1 table and its XK rule: assigned codes only, or assigned codes plus Kosovo.</summary>
public class CountryCodesTests
{
    [Theory]
    [InlineData("DE", true, true)]
    [InlineData("KP", true, true)]
    [InlineData("SS", true, true)]
    [InlineData("XK", false, true)]
    [InlineData("XA", false, false)]
    [InlineData("UK", false, false)]
    [InlineData("EU", false, false)]
    [InlineData("xk", false, false)]
    [InlineData("de", false, false)]
    [InlineData("DEU", false, false)]
    [InlineData("", false, false)]
    public void Kosovo_is_accepted_only_where_asked_for(string code, bool assigned, bool assignedOrKosovo)
    {
        Assert.Equal(assigned, CountryCodes.IsAssigned(code));
        Assert.Equal(assignedOrKosovo, CountryCodes.IsAssignedOrKosovo(code));
    }

    [Fact]
    public void Table_holds_the_249_assigned_codes()
    {
        int assigned = 0, withKosovo = 0;
        Span<char> code = stackalloc char[2];
        for (char a = 'A'; a <= 'Z'; a++)
            for (char b = 'A'; b <= 'Z'; b++)
            {
                code[0] = a;
                code[1] = b;
                if (CountryCodes.IsAssigned(code)) assigned++;
                if (CountryCodes.IsAssignedOrKosovo(code)) withKosovo++;
            }
        Assert.Equal(CountryCodes.Count, assigned);
        Assert.Equal(CountryCodes.Count + 1, withKosovo);
    }
}
