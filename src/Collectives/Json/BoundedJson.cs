using System.Text.Json;

namespace Collectives.Json;

/// <summary>
/// Parses a small configuration file (a cost profile, a fabric) with bounds: a length cap checked
/// before parsing, shallow nesting, comments allowed; failures become a <see cref="FormatException"/>
/// that names the file, so readers that walk the document by hand start from the same place.
/// </summary>
internal static class BoundedJson
{
    // Our files nest a few levels (root, section, switch, a list of triples); deeper means not ours.
    private const int MaxDepth = 8;

    /// <param name="what">"a cost profile", "a fabric file": for the too-long message.</param>
    /// <exception cref="FormatException">The text is too long or not JSON.</exception>
    public static JsonDocument Parse(string text, string sourceName, int maxLength, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > maxLength)
        {
            throw new FormatException($"{sourceName}: {what} is at most {maxLength} characters; this one has {text.Length}.");
        }
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{sourceName}: not valid JSON ({e.Message}).", e);
        }
        catch (ArgumentException e)
        {
            // Text with a lone UTF-16 surrogate cannot be transcoded to UTF-8 for the reader.
            throw new FormatException($"{sourceName}: not valid text ({e.Message}).", e);
        }
    }
}
