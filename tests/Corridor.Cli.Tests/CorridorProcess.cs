using System.Diagnostics;

namespace Corridor.Cli.Tests;

/// <summary>Starts the real <c>corridor</c> CLI (the built corridor.dll) as a child process.</summary>
internal static class CorridorProcess
{
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "corridor.dll");

    public static Process Start(params string[] args) => Start(null, args);

    /// <summary>Starts the CLI with extra environment variables (e.g. SSL_CERT_FILE).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        if (environment is not null) foreach ((string k, string v) in environment) info.Environment[k] = v;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start corridor");
    }

    /// <summary>Runs the CLI to completion and returns exit code and output.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs the CLI to completion with extra environment variables and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using Process p = Start(environment, args);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("corridor-test-").FullName;
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
