using System.Collections.Concurrent;
using System.Globalization;
using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// Whether this machine can run the RDMA transport with a provider, and on what: the shim must
/// load and the provider must offer a device with tagged messages and RMA writes that carry
/// completion data. <see cref="IsHardware"/> says whether that device is a real RDMA NIC (verbs,
/// efa), which is what puts the transport into the default order.
/// </summary>
/// <param name="IsAvailable">The transport can start with this provider.</param>
/// <param name="IsHardware">The provider drives an RDMA NIC (verbs, efa) rather than emulating one over TCP or shared memory.</param>
/// <param name="Description">The provider and its fabrics ("provider tcp;ofi_rxm, fabrics 127.0.0.1/32 (lo), ..."), or why it is unavailable.</param>
public sealed record RdmaAvailability(bool IsAvailable, bool IsHardware, string Description)
{
    private static readonly ConcurrentDictionary<string, RdmaAvailability> Probed = new();

    /// <summary>"available: provider ..." or "unavailable: reason", as tools print it.</summary>
    public override string ToString() => (IsAvailable ? "available: " : "unavailable: ") + Description;

    /// <summary>Probes <paramref name="provider"/> once per process (the device list does not change under a running job).</summary>
    public static RdmaAvailability Of(string provider) => Probed.GetOrAdd(provider, Probe);

    private static RdmaAvailability Probe(string provider)
    {
        if (FabricLibrary.UnavailableReason is { } reason)
        {
            return new RdmaAvailability(false, false, reason);
        }
        if (!RdmaProviders.IsWellFormed(provider))
        {
            return new RdmaAvailability(false, false, $"'{provider}' is not a provider name; use {RdmaProviders.Described}");
        }
        IReadOnlyList<FabricDevice> devices;
        try
        {
            devices = FabricContext.ListDevices(provider);
        }
        catch (FabricException e)
        {
            return new RdmaAvailability(false, false, e.FabricText);
        }
        FabricDevice? usable = devices.FirstOrDefault(d => Lacks(d) is null);
        if (usable is null)
        {
            return new RdmaAvailability(false, false, devices.Count == 0
                ? $"provider '{provider}' offers no device here"
                : string.Create(CultureInfo.InvariantCulture, $"provider '{provider}': {devices[0]}: {Lacks(devices[0])}"));
        }
        IEnumerable<string> fabrics = devices.Where(d => d.Provider == usable.Provider && Lacks(d) is null).Select(d => $"{d.Fabric} ({d.Domain})");
        return new RdmaAvailability(true, usable.IsHardware, $"provider {usable.Provider}, fabrics {string.Join(", ", fabrics)}");
    }

    /// <summary>What the transport needs that <paramref name="device"/> lacks, or null.</summary>
    internal static string? Lacks(FabricDevice device) =>
        (device.Features & FabricFeatures.Rma) == 0 ? "it offers no RMA write" :
        (device.Features & FabricFeatures.RemoteCompletionData) == 0 || device.CompletionDataSize < 4 ? "its writes carry no 4-byte completion data" :
        device.TagBits < 32 ? $"its tags have {device.TagBits} bits, the transport needs 32" :
        null;
}
