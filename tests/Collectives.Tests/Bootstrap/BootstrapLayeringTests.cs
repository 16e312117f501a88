using System.Text.RegularExpressions;
using Collectives.Tests.Harness;

namespace Collectives.Tests.Bootstrap;

/// <summary>
/// The bootstrap's place in DESIGN.md's layers: it may use Security and the transport abstraction,
/// never the algorithms, selection or the communicator above it; Security stands alone; and the
/// transports never see the store (they exchange opaque address blobs the bootstrap carries).
/// </summary>
public sealed class BootstrapLayeringTests
{
    public static TheoryData<string, string[]> Rules() => new()
    {
        { "Bootstrap", ["Collectives.Algorithms", "Collectives.Selection", "Collectives.Operations", "Collectives.Kernels", "Communicator", "CommunicatorOptions"] },
        { "Security", ["Collectives.Bootstrap", "Collectives.Transport", "Collectives.Algorithms", "Communicator"] },
        { "Transport", ["Collectives.Bootstrap", "IRendezvousStore", "TcpStoreClient", "TcpStoreServer", "FileStore", "StoreExchange", "JobEnvironment"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void FolderStaysInItsLayer(string folder, string[] forbidden)
    {
        string root = Path.Combine(RepositoryPaths.Root(), "src", "Collectives", folder);
        string[] files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var violations = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                int comment = lines[i].IndexOf("//", StringComparison.Ordinal);
                string code = comment < 0 ? lines[i] : lines[i][..comment];
                foreach (string name in forbidden.Where(n => Regex.IsMatch(code, $@"(?<![\w.]){Regex.Escape(n)}(?!\w)")))
                {
                    violations.Add($"{Path.GetRelativePath(root, file)}:{i + 1} mentions {name}");
                }
            }
        }
        Assert.True(violations.Count == 0, $"{folder} breaks the layering:\n" + string.Join('\n', violations));
    }
}
