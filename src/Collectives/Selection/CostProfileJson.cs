using System.Globalization;
using System.Text;
using System.Text.Json;
using Collectives.Json;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// The tune profile file format (written by <c>collectives tune</c>, read through
/// COLLECTIVES_TUNE_FILE). Units are chosen so a person can read and edit it:
/// <code>
/// {
///   "version": 1,
///   "source": "collectives tune on host-a, 2026-11-28T18:00:00Z",
///   "links": {
///     "shm": { "alpha_us": 1.0, "beta_ns_per_byte": [[65536, 0.12], [1048576, 0.09], [16777216, 0.30]] },
///     "tcp": { "alpha_us": 7.0, "beta_ns_per_byte": [[65536, 1.1]], "streams": 4 }
///   },
///   "gamma_ns_per_byte": [[65536, 0.022], [268435456, 0.14]]
/// }
/// </code>
/// "beta_in_place_ns_per_byte" (optional) is beta for calls made in place
/// (<see cref="LinkCost.BetaInPlace"/>); without it beta_ns_per_byte prices both placements.
/// "streams" (optional, default 1) is how many transfers a link class runs side by side at full
/// speed each (<see cref="LinkCost.Streams"/>). Link classes the file leaves out keep the built-in defaults. The reader walks a parsed
/// document by hand (no reflection), caps the text's size, and names the field that is wrong.
/// </summary>
public static class CostProfileJson
{
    public const int Version = 1;

    /// <summary>Largest profile text accepted: a real one is a few KiB.</summary>
    public const int MaxLength = 1 << 20;

    private const int MaxPoints = 64;

    private const int MaxStreams = 64;

    public static string Write(CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteString("source", profile.Source);
            json.WriteStartObject("links");
            foreach ((LinkClass link, LinkCost cost) in profile.Links.OrderBy(pair => pair.Key))
            {
                json.WriteStartObject(LinkClassNames.Name(link));
                json.WriteNumber("alpha_us", Math.Round(cost.Alpha * 1e6, 4));
                if (cost.Streams > 1)
                {
                    json.WriteNumber("streams", cost.Streams);
                }
                WriteCurve(json, "beta_ns_per_byte", cost.Beta);
                if (cost.BetaInPlace is { } inPlace)
                {
                    WriteCurve(json, "beta_in_place_ns_per_byte", inPlace);
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            WriteCurve(json, "gamma_ns_per_byte", profile.Gamma);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <exception cref="FormatException">The text is not a version-1 profile; the message names the field.</exception>
    public static CostProfile Parse(string text, string sourceName)
    {
        JsonDocument document = BoundedJson.Parse(text, sourceName, MaxLength, "a cost profile");
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{sourceName}: a cost profile is a JSON object.");
            }
            if (!root.TryGetProperty("version", out JsonElement version) || version.ValueKind != JsonValueKind.Number ||
                !version.TryGetInt32(out int v) || v != Version)
            {
                throw new FormatException($"{sourceName}: \"version\" must be {Version}.");
            }
            string source = root.TryGetProperty("source", out JsonElement s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()! : sourceName;
            var links = new Dictionary<LinkClass, LinkCost>(CostDefaults.Profile.Links);
            if (root.TryGetProperty("links", out JsonElement linksElement))
            {
                if (linksElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"{sourceName}: \"links\" must be an object of link classes.");
                }
                foreach (JsonProperty property in linksElement.EnumerateObject())
                {
                    if (!LinkClassNames.TryParse(property.Name, out LinkClass link))
                    {
                        throw new FormatException($"{sourceName}: unknown link class \"{property.Name}\" in \"links\"; known: shm, tcp, rdma, optical, inprocess, self.");
                    }
                    string where = $"links.{property.Name}";
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new FormatException($"{sourceName}: \"{where}\" must be an object with alpha_us and beta_ns_per_byte.");
                    }
                    double alpha = Number(property.Value, "alpha_us", where, sourceName) * 1e-6;
                    if (alpha < 0)
                    {
                        throw new FormatException($"{sourceName}: \"{where}.alpha_us\" must not be negative.");
                    }
                    CostCurve beta = Curve(property.Value, "beta_ns_per_byte", where, sourceName);
                    CostCurve? betaInPlace = property.Value.TryGetProperty("beta_in_place_ns_per_byte", out _)
                        ? Curve(property.Value, "beta_in_place_ns_per_byte", where, sourceName)
                        : null;
                    int streams = 1;
                    if (property.Value.TryGetProperty("streams", out JsonElement streamsElement) &&
                        (streamsElement.ValueKind != JsonValueKind.Number || !streamsElement.TryGetInt32(out streams) || streams is < 1 or > MaxStreams))
                    {
                        throw new FormatException($"{sourceName}: \"{where}.streams\" must be a whole number from 1 to {MaxStreams}.");
                    }
                    links[link] = new LinkCost(alpha, beta, streams, betaInPlace);
                }
            }
            CostCurve gamma = root.TryGetProperty("gamma_ns_per_byte", out _)
                ? Curve(root, "gamma_ns_per_byte", "", sourceName)
                : CostDefaults.Profile.Gamma;
            return new CostProfile { Links = links, Gamma = gamma, Source = source };
        }
    }

    private static void WriteCurve(Utf8JsonWriter json, string name, CostCurve curve)
    {
        json.WriteStartArray(name);
        foreach ((long bytes, double secondsPerByte) in curve.Points)
        {
            json.WriteStartArray();
            json.WriteNumberValue(bytes);
            json.WriteNumberValue(Math.Round(secondsPerByte * 1e9, 6));
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    private static double Number(JsonElement parent, string name, string where, string sourceName)
    {
        if (!parent.TryGetProperty(name, out JsonElement element) || element.ValueKind != JsonValueKind.Number ||
            !element.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw new FormatException($"{sourceName}: \"{Join(where, name)}\" must be a finite number.");
        }
        return value;
    }

    private static CostCurve Curve(JsonElement parent, string name, string where, string sourceName)
    {
        string path = Join(where, name);
        if (!parent.TryGetProperty(name, out JsonElement array) || array.ValueKind != JsonValueKind.Array ||
            array.GetArrayLength() is 0 or > MaxPoints)
        {
            throw new FormatException($"{sourceName}: \"{path}\" must be a list of 1 to {MaxPoints} [bytes, ns per byte] pairs.");
        }
        var points = new List<(long, double)>();
        int index = 0;
        foreach (JsonElement pair in array.EnumerateArray())
        {
            // TryGet* throw on a non-number, so the kinds are checked first: every bad input is a FormatException.
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 ||
                pair[0].ValueKind != JsonValueKind.Number || pair[1].ValueKind != JsonValueKind.Number ||
                !pair[0].TryGetInt64(out long bytes) || !pair[1].TryGetDouble(out double ns))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{sourceName}: \"{path}[{index}]\" must be [bytes, ns per byte]."));
            }
            points.Add((bytes, ns * 1e-9));
            index++;
        }
        try
        {
            return new CostCurve(points);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{sourceName}: \"{path}\": {e.Message}", e);
        }
    }

    private static string Join(string where, string name) => where.Length == 0 ? name : where + "." + name;
}
