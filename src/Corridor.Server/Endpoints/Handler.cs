namespace Corridor.Server.Endpoints;

/// <summary>Makes a lambda taking only HttpContext a route handler (its IResult is written), not a RequestDelegate.</summary>
internal static class Handler
{
    public static Delegate Of(Func<HttpContext, Task<IResult>> handler) => handler;
}
