using System.Globalization;
using System.Text.Json;
using Collectives.Optical.Circuits;

namespace Collectives.Simulation;

/// <summary>Reads the typed fields of a fabric file (times in µs, bandwidths in GB/s) and builds messages that name the file and the field.</summary>
internal sealed class FabricJsonReader(string sourceName)
{
    private const double Microsecond = 1e-6;
    private const double Gigabyte = 1e9;

    // A fabric of more circuits than this is not one a person writes down.
    private const int MaxCircuits = 1 << 20;

    public string SourceName { get; } = sourceName;

    public FormatException Wrong(string field, string problem) => new($"{SourceName}: \"{field}\": {problem}.");

    public JsonElement Object(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Wrong(field, "must be an object");

    public void Only(JsonElement element, string prefix, params string[] known)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Wrong(prefix + property.Name, "unknown field; known here: " + string.Join(", ", known));
            }
        }
    }

    public double? Number(JsonElement element, string field)
    {
        if (!element.TryGetProperty(field, out JsonElement value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number) && number >= 0
            ? number : throw Wrong(field, "must be a number, not negative");
    }

    public int Integer(JsonElement element, string field, int fallback)
    {
        if (!element.TryGetProperty(field, out JsonElement value))
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= 0
            ? number : throw Wrong(field, "must be a whole number, not negative");
    }

    public double? Time(JsonElement element, string field) => Number(element, field) * Microsecond;

    public double? Bandwidth(JsonElement element, string field) => Number(element, field) * Gigabyte;

    public IReadOnlyList<Circuit> Circuits(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > MaxCircuits)
        {
            throw Wrong(field, string.Create(CultureInfo.InvariantCulture, $"must be a list of at most {MaxCircuits} [plane, from, to] triples"));
        }
        var circuits = new List<Circuit>();
        foreach (JsonElement triple in element.EnumerateArray())
        {
            int[] numbers = triple.ValueKind == JsonValueKind.Array && triple.GetArrayLength() == 3
                ? triple.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int x) && x >= 0 ? x : -1).ToArray()
                : [-1];
            if (numbers.Length != 3 || numbers.Any(x => x < 0) || numbers[1] == numbers[2])
            {
                throw Wrong(field, "each circuit is [plane, from, to]: three whole numbers, from and to different");
            }
            circuits.Add(new Circuit(numbers[0], numbers[1], numbers[2]));
        }
        return circuits;
    }
}
