using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Collectives.Topology;

/// <summary>
/// Reads <see cref="TopologyJson"/> documents token by token: every field is looked up by name
/// and type-checked by hand, every count is capped before it grows a list, and every failure is a
/// <see cref="TopologyFormatException"/> naming the field. No reflection, no polymorphism.
/// </summary>
internal static class TopologyJsonParser
{
    private const string KnownTopFields = "version, ranks, links, matrix";
    private const string KnownRankFields = "rank, host, hostId, numa, socket, core, interface, address";
    private const string KnownLinkFields = "intra, inter";

    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 8,
    };

    public static JobTopology Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > TopologyJson.MaxDocumentChars)
        {
            throw new TopologyFormatException("", string.Create(CultureInfo.InvariantCulture,
                $"the document has {json.Length} characters; a topology document may have at most {TopologyJson.MaxDocumentChars}."));
        }
        // A lone surrogate in a C# string becomes U+FFFD here, so the reader only ever sees valid UTF-8.
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), Options);
        try
        {
            return ParseDocument(ref reader);
        }
        catch (JsonException e)
        {
            throw new TopologyFormatException("", $"not valid JSON: {e.Message}", e);
        }
    }

    private static JobTopology ParseDocument(ref Utf8JsonReader reader)
    {
        Next(ref reader, "");
        Expect(ref reader, JsonTokenType.StartObject, "", "an object with \"version\" and \"ranks\"");
        int? version = null;
        List<RankPlacement>? ranks = null;
        LinkClass? intra = null;
        LinkClass? inter = null;
        List<LinkClass[]>? matrix = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(ref reader, "", seen, out string name))
        {
            switch (name)
            {
                case "version":
                    version = Integer(ref reader, "version", min: 0);
                    break;
                case "ranks":
                    ranks = ParseRanks(ref reader);
                    break;
                case "links":
                    (intra, inter) = ParseLinks(ref reader);
                    break;
                case "matrix":
                    matrix = ParseMatrix(ref reader);
                    break;
                default:
                    throw Unknown("", name, KnownTopFields);
            }
        }
        if (reader.Read())
        {
            throw new TopologyFormatException("", "more content after the document's closing brace.");
        }
        if (version is null)
        {
            throw new TopologyFormatException("version", $"missing; a topology document starts with \"version\": {TopologyJson.FormatVersion}.");
        }
        if (version != TopologyJson.FormatVersion)
        {
            throw new TopologyFormatException("version", string.Create(CultureInfo.InvariantCulture,
                $"{version}; this build reads version {TopologyJson.FormatVersion}."));
        }
        if (ranks is null)
        {
            throw new TopologyFormatException("ranks", "missing; list one entry per rank, e.g. \"ranks\": [\"host-a\", \"host-a\", \"host-b\"].");
        }
        if (ranks.Count == 0)
        {
            throw new TopologyFormatException("ranks", "empty; a topology needs at least one rank.");
        }
        LinkClass[] links = matrix is null
            ? FromHosts(ranks, intra ?? LinkClass.SharedMemory, inter ?? LinkClass.Tcp)
            : CheckMatrix(ranks, matrix, intra, inter);
        try
        {
            return new JobTopology(ranks, links);
        }
        catch (ArgumentException e)
        {
            // The checks above should leave nothing for the model to refuse; if they miss a case, it is still a format error.
            throw new TopologyFormatException("", e.Message, e);
        }
    }

    private static List<RankPlacement> ParseRanks(ref Utf8JsonReader reader)
    {
        Next(ref reader, "ranks");
        Expect(ref reader, JsonTokenType.StartArray, "ranks", "an array with one entry per rank");
        var ranks = new List<RankPlacement>();
        while (true)
        {
            Next(ref reader, "ranks");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return ranks;
            }
            if (ranks.Count == TopologyJson.MaxRanks)
            {
                throw new TopologyFormatException("ranks", string.Create(CultureInfo.InvariantCulture,
                    $"more than {TopologyJson.MaxRanks} entries; a topology document describes at most {TopologyJson.MaxRanks} ranks."));
            }
            ranks.Add(ParseRank(ref reader, ranks.Count));
        }
    }

    private static RankPlacement ParseRank(ref Utf8JsonReader reader, int index)
    {
        string field = string.Create(CultureInfo.InvariantCulture, $"ranks[{index}]");
        if (reader.TokenType == JsonTokenType.String)
        {
            // The short form: just the host name.
            string host = CurrentRequiredText(ref reader, field);
            return new RankPlacement(index, host, host);
        }
        Expect(ref reader, JsonTokenType.StartObject, field, "a host name or an object such as {\"host\": \"node0\"}");
        int? rank = null;
        string? hostName = null;
        string? hostId = null;
        int numa = -1;
        int socket = -1;
        int core = -1;
        string? iface = null;
        string? address = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(ref reader, field, seen, out string name))
        {
            string at = field + "." + name;
            switch (name)
            {
                case "rank":
                    rank = Integer(ref reader, at, min: 0);
                    break;
                case "host":
                    hostName = RequiredText(ref reader, at);
                    break;
                case "hostId":
                    hostId = RequiredText(ref reader, at);
                    break;
                case "numa":
                    numa = Integer(ref reader, at, min: -1);
                    break;
                case "socket":
                    socket = Integer(ref reader, at, min: -1);
                    break;
                case "core":
                    core = Integer(ref reader, at, min: -1);
                    break;
                case "interface":
                    iface = OptionalText(ref reader, at);
                    break;
                case "address":
                    address = OptionalText(ref reader, at);
                    break;
                default:
                    throw Unknown(field, name, KnownRankFields);
            }
        }
        if (rank is { } given && given != index)
        {
            throw new TopologyFormatException(field + ".rank", string.Create(CultureInfo.InvariantCulture,
                $"{given} at position {index}; list the ranks in order 0, 1, 2, ... (or leave \"rank\" out)."));
        }
        if (hostName is null && hostId is null)
        {
            throw new TopologyFormatException(field, "has neither \"host\" nor \"hostId\"; say which host the rank runs on.");
        }
        return new RankPlacement(index, hostId ?? hostName!, hostName ?? hostId!, numa, socket, core, iface, address);
    }

    private static (LinkClass? Intra, LinkClass? Inter) ParseLinks(ref Utf8JsonReader reader)
    {
        Next(ref reader, "links");
        Expect(ref reader, JsonTokenType.StartObject, "links", "an object such as {\"intra\": \"shm\", \"inter\": \"tcp\"}");
        LinkClass? intra = null;
        LinkClass? inter = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(ref reader, "links", seen, out string name))
        {
            string at = "links." + name;
            LinkClass link = Link(ref reader, at);
            if (link == LinkClass.Self)
            {
                throw new TopologyFormatException(at, "\"self\" is the link of a rank to itself, not between two ranks.");
            }
            switch (name)
            {
                case "intra":
                    intra = link;
                    break;
                case "inter":
                    inter = link;
                    break;
                default:
                    throw Unknown("links", name, KnownLinkFields);
            }
        }
        return (intra, inter);
    }

    private static List<LinkClass[]> ParseMatrix(ref Utf8JsonReader reader)
    {
        Next(ref reader, "matrix");
        Expect(ref reader, JsonTokenType.StartArray, "matrix", "an array of rows of link class names");
        var rows = new List<LinkClass[]>();
        while (true)
        {
            Next(ref reader, "matrix");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return rows;
            }
            string field = string.Create(CultureInfo.InvariantCulture, $"matrix[{rows.Count}]");
            if (rows.Count == TopologyJson.MaxRanks)
            {
                throw new TopologyFormatException("matrix", string.Create(CultureInfo.InvariantCulture,
                    $"more than {TopologyJson.MaxRanks} rows; a topology document describes at most {TopologyJson.MaxRanks} ranks."));
            }
            Expect(ref reader, JsonTokenType.StartArray, field, "an array of link class names");
            var row = new List<LinkClass>();
            while (true)
            {
                Next(ref reader, field);
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }
                if (row.Count == TopologyJson.MaxRanks)
                {
                    throw new TopologyFormatException(field, string.Create(CultureInfo.InvariantCulture,
                        $"more than {TopologyJson.MaxRanks} entries; a topology document describes at most {TopologyJson.MaxRanks} ranks."));
                }
                row.Add(CurrentLink(ref reader, string.Create(CultureInfo.InvariantCulture, $"{field}[{row.Count}]")));
            }
            rows.Add(row.ToArray());
        }
    }

    private static LinkClass[] FromHosts(List<RankPlacement> ranks, LinkClass intra, LinkClass inter)
    {
        int size = ranks.Count;
        var links = new LinkClass[size * size];
        for (int a = 0; a < size; a++)
        {
            for (int b = 0; b < size; b++)
            {
                links[(a * size) + b] = a == b ? LinkClass.Self
                    : string.Equals(ranks[a].HostId, ranks[b].HostId, StringComparison.Ordinal) ? intra : inter;
            }
        }
        return links;
    }

    private static LinkClass[] CheckMatrix(List<RankPlacement> ranks, List<LinkClass[]> matrix, LinkClass? intra, LinkClass? inter)
    {
        int size = ranks.Count;
        if (matrix.Count != size)
        {
            throw new TopologyFormatException("matrix", string.Create(CultureInfo.InvariantCulture,
                $"{matrix.Count} rows for {size} ranks; the matrix has one row per rank."));
        }
        var links = new LinkClass[size * size];
        for (int a = 0; a < size; a++)
        {
            if (matrix[a].Length != size)
            {
                throw new TopologyFormatException(string.Create(CultureInfo.InvariantCulture, $"matrix[{a}]"), string.Create(CultureInfo.InvariantCulture,
                    $"{matrix[a].Length} entries for {size} ranks; each row has one entry per rank."));
            }
            matrix[a].CopyTo(links, a * size);
        }
        for (int a = 0; a < size; a++)
        {
            for (int b = 0; b < size; b++)
            {
                LinkClass link = links[(a * size) + b];
                string at = string.Create(CultureInfo.InvariantCulture, $"matrix[{a}][{b}]");
                if (a == b && link != LinkClass.Self)
                {
                    throw new TopologyFormatException(at, $"\"{LinkClassNames.Name(link)}\"; a rank's link to itself is \"self\".");
                }
                if (a != b && link == LinkClass.Self)
                {
                    throw new TopologyFormatException(at, string.Create(CultureInfo.InvariantCulture,
                        $"\"self\" between ranks {a} and {b}; only a rank and itself are \"self\"."));
                }
                LinkClass back = links[(b * size) + a];
                if (link != back)
                {
                    throw new TopologyFormatException(at, string.Create(CultureInfo.InvariantCulture,
                        $"\"{LinkClassNames.Name(link)}\" but matrix[{b}][{a}] is \"{LinkClassNames.Name(back)}\"; a link has one class both ways."));
                }
                if (a == b)
                {
                    continue;
                }
                bool sameHost = string.Equals(ranks[a].HostId, ranks[b].HostId, StringComparison.Ordinal);
                LinkClass? said = sameHost ? intra : inter;
                if (said is { } expected && expected != link)
                {
                    throw new TopologyFormatException(at, string.Create(CultureInfo.InvariantCulture,
                        $"\"{LinkClassNames.Name(link)}\" between ranks {a} and {b} ({(sameHost ? "one host" : "different hosts")}), " +
                        $"but links.{(sameHost ? "intra" : "inter")} says \"{LinkClassNames.Name(expected)}\"."));
                }
            }
        }
        return links;
    }

    /// <summary>Moves to the next property of the current object; false at its end. Repeated names are errors.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader, string field, HashSet<string> seen, out string name)
    {
        Next(ref reader, field);
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }
        // Inside an object the reader yields only property names or the end; the check keeps that assumption honest.
        Expect(ref reader, JsonTokenType.PropertyName, field, "a field name");
        name = Text(ref reader, field);
        if (!seen.Add(name))
        {
            throw new TopologyFormatException(Join(field, name), "given twice.");
        }
        return true;
    }

    private static int Integer(ref Utf8JsonReader reader, string field, int min)
    {
        Next(ref reader, field);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value) || value < min)
        {
            throw new TopologyFormatException(field, string.Create(CultureInfo.InvariantCulture,
                $"expected a whole number from {min} up, got {Describe(ref reader)}."));
        }
        return value;
    }

    private static LinkClass Link(ref Utf8JsonReader reader, string field)
    {
        Next(ref reader, field);
        return CurrentLink(ref reader, field);
    }

    private static LinkClass CurrentLink(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new TopologyFormatException(field, $"expected a link class name, got {Describe(ref reader)}.");
        }
        string name = Text(ref reader, field);
        return LinkClassNames.TryParse(name, out LinkClass link) ? link : throw new TopologyFormatException(field,
            $"\"{Shorten(name)}\" is not a link class; one of {string.Join(", ", LinkClassNames.All.Select(LinkClassNames.Name))}.");
    }

    private static string RequiredText(ref Utf8JsonReader reader, string field)
    {
        Next(ref reader, field);
        return CurrentRequiredText(ref reader, field);
    }

    private static string CurrentRequiredText(ref Utf8JsonReader reader, string field)
    {
        string? text = CurrentOptionalText(ref reader, field);
        if (string.IsNullOrEmpty(text))
        {
            throw new TopologyFormatException(field, text is null ? "must not be null." : "must not be empty.");
        }
        return text;
    }

    private static string? OptionalText(ref Utf8JsonReader reader, string field)
    {
        Next(ref reader, field);
        return CurrentOptionalText(ref reader, field);
    }

    private static string? CurrentOptionalText(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new TopologyFormatException(field, $"expected a string, got {Describe(ref reader)}.");
        }
        return Text(ref reader, field);
    }

    /// <summary>The current string or property name, bounded before and after unescaping.</summary>
    private static string Text(ref Utf8JsonReader reader, string field)
    {
        // An escape is at most 6 bytes ("\uXXXX") per UTF-8 byte it stands for, so longer raw text cannot fit the cap.
        if (reader.ValueSpan.Length > TopologyJson.MaxStringBytes * 6)
        {
            throw TooLong(field);
        }
        string text;
        try
        {
            text = reader.GetString() ?? "";
        }
        catch (InvalidOperationException e)
        {
            // An escaped lone surrogate ("\ud800") cannot become a string.
            throw new TopologyFormatException(field, $"a string that is not valid text: {e.Message}", e);
        }
        if (Encoding.UTF8.GetByteCount(text) > TopologyJson.MaxStringBytes)
        {
            throw TooLong(field);
        }
        return text;
    }

    private static void Next(ref Utf8JsonReader reader, string field)
    {
        if (!reader.Read())
        {
            throw new TopologyFormatException(field, "the document ends early.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string field, string what)
    {
        if (reader.TokenType != type)
        {
            throw new TopologyFormatException(field, $"expected {what}, got {Describe(ref reader)}.");
        }
    }

    /// <summary>"a string", "the number 1.5", ...: what the document had where something else belonged.</summary>
    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "the number " + Shorten(Encoding.UTF8.GetString(reader.ValueSpan)),
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.EndObject => "the end of an object",
        JsonTokenType.EndArray => "the end of an array",
        JsonTokenType.PropertyName => "a field name",
        _ => reader.TokenType.ToString(),
    };

    private static TopologyFormatException Unknown(string field, string name, string known) =>
        new(Join(field, name), $"unknown field; the known ones are {known}.");

    private static TopologyFormatException TooLong(string field) =>
        new(field, string.Create(CultureInfo.InvariantCulture, $"longer than {TopologyJson.MaxStringBytes} UTF-8 bytes."));

    private static string Join(string field, string name) => field.Length == 0 ? Shorten(name) : field + "." + Shorten(name);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
