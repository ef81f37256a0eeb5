using System.Reflection;
using System.Runtime.CompilerServices;
using Corridor.Link;

namespace Corridor.Simulation.Tests;

/// <summary>
/// The federation link (src/Corridor.Link) is one piece of code that the node and the simulator both run; the simulator's
/// planted bugs reach it only through an internal hook that the node's assemblies cannot see.
/// </summary>
public sealed class LinkIsolationTests
{
    [Fact]
    public void Only_the_simulator_and_its_tests_see_the_links_test_hook()
    {
        string[] friends = typeof(LinkOutbox).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Corridor.Simulation", "Corridor.Simulation.Tests"], friends);
        PropertyInfo planted = typeof(LinkOutbox).GetProperty("Planted", BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.True(planted.SetMethod!.IsAssembly && !planted.SetMethod.IsPublic);
        Assert.False(planted.PropertyType.IsPublic);
    }

    [Fact]
    public void The_simulator_keeps_no_copy_of_the_links_rules()
    {
        // The simulator runs LinkEndpoint/LinkOutbox/LinkExchange: it references the link and declares none of its own.
        Assembly simulation = typeof(Corridor.Simulation.Faults.FederationSimulator).Assembly;
        Assert.Contains(simulation.GetReferencedAssemblies(), a => a.Name == "Corridor.Link");
        Type[] types = simulation.GetTypes();
        Assert.DoesNotContain(types, t => t.Name is "Exchange" or "Attempts" || t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Any(m => m.Name == "Unrecorded"));
    }
}
