using BenchmarkDotNet.Running;

namespace Corridor.Benchmarks;

/// <summary>BenchmarkDotNet entry: <c>dotnet run -c Release --project bench/Corridor.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
