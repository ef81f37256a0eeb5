namespace Corridor.Iso20022.Model;

/// <summary>Business application header head.001.001.02 (AppHdr), the fields Corridor checks.</summary>
public sealed record AppHeader
{
    public const string Namespace = "urn:iso:std:iso:20022:tech:xsd:head.001.001.02";

    /// <summary>Fr/FIId/FinInstnId/BICFI.</summary>
    public required string FromBic { get; init; }
    /// <summary>To/FIId/FinInstnId/BICFI.</summary>
    public required string ToBic { get; init; }
    public required string BizMsgIdr { get; init; }
    /// <summary>MsgDefIdr, e.g. "pacs.008.001.09"; must name the enclosed Document.</summary>
    public required string MsgDefIdr { get; init; }
    public string? BizSvc { get; init; }
    public required DateTimeOffset CreDt { get; init; }
}
