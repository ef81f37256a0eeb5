namespace Corridor.Client;

/// <summary>Requests answered since the node started, journal batches written, and the latency of those requests as histogram buckets.</summary>
/// <param name="Requests">Requests answered since the node started.</param>
/// <param name="Batches">Journal batches written since the node started.</param>
/// <param name="Buckets">The non-empty buckets of the request-latency histogram (submit to durable reply), ascending; log-linear, 4 per power
/// of two (values within ~19 %). Subtract two readings bucket by bucket for the requests in between.</param>
public sealed record NodeLatencyDto(long Requests, long Batches, LatencyBucketDto[] Buckets);

/// <summary>Requests whose submit-to-durable-reply latency fell in this bucket since start; <c>UpperMicros</c> is the bucket's inclusive bound.</summary>
/// <param name="UpperMicros">The bucket's inclusive upper bound, microseconds.</param>
/// <param name="Count">Requests whose latency fell in this bucket since start.</param>
public sealed record LatencyBucketDto(long UpperMicros, long Count);
