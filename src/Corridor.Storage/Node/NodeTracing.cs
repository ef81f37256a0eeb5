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
        Activity.Current = parent; // the span ends on the engine thread (EndSubmit); the caller's flow keeps its own current activity
        span?.SetTag("corridor.operation", operation.ToString());
        span?.SetTag("corridor.count", count);
        return span;
    }

    /// <summary>
    /// A batch span, a root linked to the submit spans of its traced commands (<paramref name="links"/>: null when none is traced).
    /// It never becomes the thread's current activity.
    /// </summary>
    internal static Activity? StartBatch(string name, long sequence, int commands, List<ActivityLink>? links)
    {
        if (links is null) return null;
        Activity? current = Activity.Current;
        // A root whatever the thread ran before: without a parent context StartActivity would make it a child of Activity.Current.
        Activity.Current = null;
        Activity? span = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links);
        Restore(current);
        span?.SetTag("corridor.batch", sequence);
        span?.SetTag("corridor.commands", commands);
        return span;
    }

    /// <summary>
    /// Ends a submit span on the engine thread, leaving that thread's current activity as it was: <see cref="Activity.Stop"/> makes
    /// the activity that was current when the span started (the caller's, on another thread) current here, and the next batch
    /// span would become its child — and, once the caller's request had ended, setting it back would throw (and catch) inside
    /// <see cref="Activity"/> on every traced batch.
    /// </summary>
    internal static void EndSubmit(Activity span, long batch, int itemErrors)
    {
        span.SetTag("corridor.batch", batch);
        span.SetTag("corridor.item_errors", itemErrors);
        Activity? current = Activity.Current;
        span.Stop();
        Restore(current);
    }

    /// <summary>Makes <paramref name="activity"/> current again, or none if it has ended meanwhile (an ended one cannot be current).</summary>
    private static void Restore(Activity? activity) => Activity.Current = activity is { IsStopped: false } ? activity : null;
}
