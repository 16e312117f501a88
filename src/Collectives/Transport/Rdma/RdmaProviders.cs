namespace Collectives.Transport.Rdma;

/// <summary>
/// The provider names COLLECTIVES_RDMA_PROVIDER takes, as the shim reads them: "verbs" is
/// verbs;ofi_rxm (InfiniBand, RoCE), "efa" AWS EFA, "tcp" tcp;ofi_rxm, "shm" libfabric's
/// shared memory, "auto" the first of efa, verbs, tcp (never shm: within a host our own
/// shared-memory transport serves). Any other name goes to libfabric as it is ("udp;ofi_rxd").
/// </summary>
public static class RdmaProviders
{
    public const string Auto = "auto";
    public const string Verbs = "verbs";
    public const string Efa = "efa";
    public const string Tcp = "tcp";
    public const string Shm = "shm";

    /// <summary>The names a user is told about.</summary>
    public const string Described = "verbs, efa, tcp, shm, auto, or a libfabric provider name such as udp;ofi_rxd";

    /// <summary>
    /// Whether <paramref name="name"/> can name a provider: letters, digits and <c>;_-</c>, at
    /// most 63 characters (the shim's limit). Whether libfabric has it is the fabric's to say.
    /// </summary>
    public static bool IsWellFormed(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length < 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is ';' or '_' or '-');
}
