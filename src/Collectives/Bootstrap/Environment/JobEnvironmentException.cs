namespace Collectives;

/// <summary>
/// The environment does not say, or contradicts itself about, where this process stands in its
/// job (rank, size, rendezvous address...). The message lists the relevant variables that were
/// found, with their values (the secret only as "set"), and what is needed.
/// </summary>
public sealed class JobEnvironmentException : Exception
{
    public JobEnvironmentException(string problem, IReadOnlyList<KeyValuePair<string, string>> found, string needed)
        : base(Compose(problem, found, needed))
    {
        Problem = problem;
        Found = found;
        Needed = needed;
    }

    /// <summary>What is missing or wrong.</summary>
    public string Problem { get; }

    /// <summary>The relevant variables that were set, with their values; secrets are already hidden.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Found { get; }

    /// <summary>What to set instead.</summary>
    public string Needed { get; }

    private static string Compose(string problem, IReadOnlyList<KeyValuePair<string, string>> found, string needed)
    {
        string variables = found.Count == 0
            ? "none of the variables of our launcher, torchrun, Open MPI, MPICH or Slurm"
            : string.Join(", ", found.Select(v => $"{v.Key}={v.Value}"));
        return $"Cannot tell this process's place in its job: {problem} Found: {variables}. Needed: {needed}";
    }
}
