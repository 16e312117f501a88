using Collectives.Selection;

namespace Collectives.Connection;

/// <summary>Reads the cost profile a job runs with: the tune file when one is named (COLLECTIVES_TUNE_FILE), else the built-in defaults.</summary>
public static class CostProfileLoader
{
    /// <exception cref="InvalidDataException">The file cannot be read or is not a profile; the message names it and what is wrong.</exception>
    public static CostProfile Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return CostDefaults.Profile;
        }
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > CostProfileJson.MaxLength)
            {
                throw new InvalidDataException($"Cost profile {path} is {info.Length} bytes; a profile is at most {CostProfileJson.MaxLength}.");
            }
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Cannot read the cost profile {path} (COLLECTIVES_TUNE_FILE): {e.Message}. Run 'collectives tune' to write one, or unset the variable.", e);
        }
        try
        {
            return CostProfileJson.Parse(text, path);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException(e.Message + " Run 'collectives tune' to write a fresh one.", e);
        }
    }
}
