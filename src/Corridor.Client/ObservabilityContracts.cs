namespace Corridor.Client;

/// <summary>Requests answered since the node started, journal batches written, and the latency of those requests as histogram buckets.</summary>
public sealed record NodeLatencyDto(long Requests, long Batches, LatencyBucketDto[] Buckets);

/// <summary>Requests whose submit-to-durable-reply latency fell in this bucket since start; <c>UpperMicros</c> is the bucket's inclusive bound.</summary>
public sealed record LatencyBucketDto(long UpperMicros, long Count);
