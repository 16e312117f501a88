using System.Globalization;

namespace Collectives.Bootstrap;

/// <summary>
/// Reads variables for <see cref="JobEnvironment"/> and builds its errors: every error lists the
/// known variables that were set (the secret hidden) and says what is needed.
/// </summary>
internal sealed class EnvironmentReader(IReadOnlyDictionary<string, string> environment)
{
    /// <summary>The value, or null when the variable is absent or blank (a blank variable counts as unset).</summary>
    public string? Get(string name) =>
        environment.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool Has(string name) => Get(name) is not null;

    /// <summary>A non-negative whole number, or null when unset; anything else fails with a message naming the variable.</summary>
    public int? GetCount(string name, string needed)
    {
        string? text = Get(name);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            throw Fail($"{name}={text} is not a whole number.", needed);
        }
        if (value < 0)
        {
            throw Fail($"{name}={text} is negative.", needed);
        }
        return value;
    }

    public int RequireCount(string name, string needed) =>
        GetCount(name, needed) ?? throw Fail($"{name} is not set.", needed);

    public JobEnvironmentException Fail(string problem, string needed) => new(problem, Found(), needed);

    /// <summary>The known variables that are set, in <see cref="EnvironmentVariables.All"/> order; the secret never shows.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Found()
    {
        var found = new List<KeyValuePair<string, string>>();
        foreach (string name in EnvironmentVariables.All)
        {
            if (environment.TryGetValue(name, out string? value))
            {
                found.Add(new(name, name == EnvironmentVariables.Secret ? "(set, hidden)" : value));
            }
        }
        return found;
    }
}
