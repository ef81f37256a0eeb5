using System.Collections.Frozen;
using System.Reflection;

namespace Corridor.Server.Endpoints;

/// <summary>
/// The operator and participant console (src/Corridor.Web): static assets built into this assembly as embedded resources and
/// served at <c>/</c> and <c>/console/…</c> on the API's own port. No token is needed for the assets; every screen calls the
/// public API with the token the user signs in with, so it sees exactly what the API lets that token see.
/// </summary>
public static class ConsoleEndpoints
{
    private const string Prefix = "console/";

    /// <summary>No script or style from elsewhere, no inline script, no framing: the console talks to this node only.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Assets = Load();

    public static void Map(WebApplication app)
    {
        app.MapGet("/", (HttpContext c) => Serve(c, "index.html")).WithTags("console").ExcludeFromDescription();
        app.MapGet("/console/{**path}", (HttpContext c, string path) => Serve(c, path)).WithTags("console").ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext c, string path)
    {
        if (!Assets.TryGetValue(path, out var asset))
            return Results.Problem(statusCode: 404, title: "Not found", detail: $"no console asset {path}", extensions: new Dictionary<string, object?> { ["code"] = "request.not_found" });
        c.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        c.Response.Headers.XContentTypeOptions = "nosniff";
        c.Response.Headers["Referrer-Policy"] = "no-referrer";
        c.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        Assembly assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            string path = name[Prefix.Length..].Replace('\\', '/');
            assets[path] = (bytes, ContentTypeOf(path));
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        _ => "text/plain; charset=utf-8",
    };
}
