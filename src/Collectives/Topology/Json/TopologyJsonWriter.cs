using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Collectives.Topology;

/// <summary>
/// Writes <see cref="TopologyJson"/> documents by hand rather than through Utf8JsonWriter's
/// indentation, so that each rank and each matrix row sits on one line: a person reads the file.
/// </summary>
internal static class TopologyJsonWriter
{
    // Strict: a lone surrogate fails here instead of turning into text that reads back differently.
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static string Write(JobTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (topology.Size > TopologyJson.MaxRanks)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A topology file holds at most {TopologyJson.MaxRanks} ranks; this job has {topology.Size}."), nameof(topology));
        }
        var text = new StringBuilder();
        text.Append("{\n  \"version\": ").Append(TopologyJson.FormatVersion).Append(",\n  \"ranks\": [\n");
        for (int rank = 0; rank < topology.Size; rank++)
        {
            RankPlacement p = topology.Ranks[rank];
            text.Append(CultureInfo.InvariantCulture, $"    {{\"rank\": {p.Rank}, \"host\": {Quote(p.HostName)}, \"hostId\": {Quote(p.HostId)}, ")
                .Append(CultureInfo.InvariantCulture, $"\"numa\": {p.NumaNode}, \"socket\": {p.Socket}, \"core\": {p.Core}, ")
                .Append(CultureInfo.InvariantCulture, $"\"interface\": {Quote(p.Interface)}, \"address\": {Quote(p.Address)}}}")
                .Append(rank + 1 < topology.Size ? ",\n" : "\n");
        }
        text.Append("  ]");
        LinkSummary summary = LinkSummary.Of(topology);
        if (summary.DescribesMatrix)
        {
            var parts = new List<string>();
            if (summary.Intra is { } intra)
            {
                parts.Add("\"intra\": " + Quote(LinkClassNames.Name(intra)));
            }
            if (summary.Inter is { } inter)
            {
                parts.Add("\"inter\": " + Quote(LinkClassNames.Name(inter)));
            }
            text.Append(",\n  \"links\": {").Append(string.Join(", ", parts)).Append('}');
        }
        if (!summary.DescribesMatrix || topology.Size <= TopologyJson.MatrixWrittenUpTo)
        {
            text.Append(",\n  \"matrix\": [\n");
            for (int a = 0; a < topology.Size; a++)
            {
                text.Append("    [");
                for (int b = 0; b < topology.Size; b++)
                {
                    text.Append(b == 0 ? "" : ", ").Append('"').Append(LinkClassNames.Name(topology.LinkBetween(a, b))).Append('"');
                }
                text.Append(a + 1 < topology.Size ? "],\n" : "]\n");
            }
            text.Append("  ]");
        }
        text.Append("\n}\n");
        return text.ToString();
    }

    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"A topology string is not valid UTF-16 (a lone surrogate): {e.Message}", e);
        }
        if (bytes > TopologyJson.MaxStringBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"'{value[..Math.Min(value.Length, 40)]}…' is {bytes} UTF-8 bytes; a topology string may have at most {TopologyJson.MaxStringBytes}."));
        }
        // Relaxed escaping keeps host names in other scripts readable; the file is never embedded in HTML.
        return "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";
    }
}
