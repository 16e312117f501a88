namespace Collectives.Tests.Harness;

/// <summary>Where the tests find the repository they were built from (sources, the native build tree).</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Collectives.sln, found upward from the test assembly.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collectives.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Collectives.sln) above " + AppContext.BaseDirectory);
    }
}
