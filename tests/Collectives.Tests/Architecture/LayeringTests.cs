using System.Text.RegularExpressions;
using Collectives.Tests.Harness;

namespace Collectives.Tests.Architecture;

/// <summary>
/// Keeps the layering of DESIGN.md: algorithms never name a concrete transport; transports never
/// see algorithms, the selector or (later) the store; selection, the circuit model and the simulator do
/// no I/O; kernels stand alone.
/// Checked on the source, since a using directive or a type name is what a violation looks like.
/// </summary>
public sealed class LayeringTests
{
    public static TheoryData<string, string[]> Rules() => new()
    {
        { "Algorithms", ["Transport.InProcess", "InProcessLink", "InProcessFabric", "Transport.Rdma", "RdmaTransport", "Selection", "Communicator"] },
        { "Transport", ["Collectives.Algorithms", "Collectives.Selection", "Collectives.Operations", "Communicator"] },
        { "Selection", ["System.IO", "System.Net", "Collectives.Transport", "Environment.", "File."] },
        { "Topology", ["System.IO", "System.Net", "Collectives.Transport", "Collectives.Bootstrap", "Environment.", "File.", "Directory."] },
        { "Schedules", ["System.IO", "System.Net", "Collectives.Transport", "Collectives.Optical", "Collectives.Simulation", "Environment.", "File."] },
        { "Optical", ["System.IO", "System.Net", "Collectives.Transport", "Collectives.Simulation", "Environment.", "File."] },
        { "Simulation", ["System.IO", "System.Net", "Collectives.Transport", "Environment.", "File.", "Directory."] },
        { "Json", ["System.IO", "System.Net", "Collectives.Transport", "Environment.", "File."] },
        { "Kernels", ["Collectives.Transport", "Collectives.Algorithms", "Collectives.Selection", "Communicator"] },
        { "Wire", ["Collectives.Transport", "Collectives.Algorithms", "Collectives.Selection"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void FolderDoesNotReachAcrossItsLayer(string folder, string[] forbidden)
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
                string code = StripComment(lines[i]);
                foreach (string name in forbidden)
                {
                    if (Regex.IsMatch(code, $@"(?<!\w){Regex.Escape(name)}(?!\w)"))
                    {
                        violations.Add($"{Path.GetRelativePath(root, file)}:{i + 1} mentions {name}");
                    }
                }
            }
        }
        Assert.True(violations.Count == 0, $"{folder} breaks the layering:\n" + string.Join('\n', violations));
    }

    /// <summary>
    /// DESIGN.md: only the RDMA transport calls into native/. Nothing outside Transport/Rdma names
    /// the shim's bindings, and inside it only Native/ declares imports or unmanaged calls.
    /// </summary>
    [Fact]
    public void OnlyTheRdmaTransportCallsTheNativeShim()
    {
        string source = Path.Combine(RepositoryPaths.Root(), "src");
        string rdma = Path.Combine(source, "Collectives", "Transport", "Rdma");
        string native = Path.Combine(rdma, "Native");
        string[] bindings = ["Rdma.Native", "FabricLibrary", "FabricContext", "FabricEndpoint", "FabricFunctionTable", "collectives_fabric"];
        string[] interop = ["LibraryImport", "DllImport", "NativeLibrary", "delegate* unmanaged"];
        var violations = new List<string>();
        string[] files = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToArray();
        Assert.Contains(files, f => f.StartsWith(native, StringComparison.Ordinal));
        foreach (string file in files)
        {
            bool insideRdma = file.StartsWith(rdma + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            bool insideNative = file.StartsWith(native + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            string[] names = insideNative ? [] : insideRdma ? interop : bindings;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = StripComment(lines[i]);
                foreach (string name in names.Where(n => code.Contains(n, StringComparison.Ordinal)))
                {
                    violations.Add($"{Path.GetRelativePath(source, file)}:{i + 1} mentions {name}");
                }
            }
        }
        Assert.True(violations.Count == 0, "Native code is reached from outside the RDMA transport's bindings:\n" + string.Join('\n', violations));
    }

    private static string StripComment(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }
}
