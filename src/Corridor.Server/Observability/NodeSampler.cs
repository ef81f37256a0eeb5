using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Corridor.Server.Observability;

/// <summary>
/// Which traces the node records: a span with a parent follows the parent's decision (a caller that sampled its W3C
/// <c>traceparent</c> is always followed); a batch span (a root linked to the submit spans of the commands in its journal
/// batch) is recorded when one of them was; any other root (an HTTP request without a trace of its own) is recorded for a share
/// of trace ids (<see cref="TraceIdRatioBasedSampler"/>).
/// </summary>
public sealed class NodeSampler : Sampler
{
    private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly TraceIdRatioBasedSampler _roots;

    public NodeSampler(double ratio)
    {
        _roots = new TraceIdRatioBasedSampler(ratio);
        Description = $"NodeSampler{{parent, else linked, else ratio {ratio}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId != default)
            return (samplingParameters.ParentContext.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Record : Drop;
        if (samplingParameters.Links is { } links)
            foreach (ActivityLink link in links)
                if ((link.Context.TraceFlags & ActivityTraceFlags.Recorded) != 0) return Record;
        return _roots.ShouldSample(samplingParameters);
    }
}
