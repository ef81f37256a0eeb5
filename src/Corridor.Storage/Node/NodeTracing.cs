using System.Diagnostics;

namespace Corridor.Storage.Node;

/// <summary>
/// Spans of a command's path through the node (OpenTelemetry via <see cref="ActivitySource"/>): <c>corridor.submit</c> from
/// the sequencer queue to the reply (child of the caller's span, e.g. the HTTP request), <c>corridor.journal.append</c> and
/// <c>corridor.engine.apply</c> per batch, linked to every traced command in it. Free when nothing listens:
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> answers null and the loops test one flag per batch. A command
/// gets a span only under a traced caller (not for one sampled out, nor for the node's own background work), and a batch gets
/// spans only when a traced command is in it.
/// </summary>
public static class NodeTracing
{
    public const string SourceName = "Corridor.Node";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the submit span of one command without making it the caller's current activity.</summary>
    internal static Activity? StartSubmit(Corridor.Core.Engine.Operation operation, int count)
    {
        if (!Source.HasListeners()) return null;
        Activity? parent = Activity.Current;
        // Only under a traced caller (an HTTP request the node decided to trace, a test's span): a caller whose trace was sampled
        // out, or none, gets no span at all — so a command not traced costs one check.
        if (parent is not { Recorded: true }) return null;
        Activity? span = Source.StartActivity("corridor.submit", ActivityKind.Internal);
        Activity.Current = parent; // the span ends on the engine thread; the caller's flow keeps its own current activity
        span?.SetTag("corridor.operation", operation.ToString());
        span?.SetTag("corridor.count", count);
        return span;
    }

    /// <summary>A batch span linked to the submit spans of its traced commands (<paramref name="links"/>: null when none is traced).</summary>
    internal static Activity? StartBatch(string name, long sequence, int commands, List<ActivityLink>? links)
    {
        if (links is null) return null;
        Activity? parent = Activity.Current;
        Activity? span = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links);
        Activity.Current = parent;
        span?.SetTag("corridor.batch", sequence);
        span?.SetTag("corridor.commands", commands);
        return span;
    }
}
