namespace Collectives.Optical.Switches;

/// <summary>
/// Switches with published numbers, from milliseconds-class mirrors to nanosecond-class lasers.
/// Each figure names its source; "assumed" marks the ones no source gives (a rate-agnostic
/// switch has no port speed of its own, say). Background and more anchors:
/// shared/research/optical-anchors.md.
/// </summary>
public static class OpticalSwitchPresets
{
    private const double Microsecond = 1e-6;
    private const double Millisecond = 1e-3;
    private const double Nanosecond = 1e-9;

    // 400 Gb/s per port: today's common datacenter optics; rate-agnostic switches carry whatever the transceivers send.
    private const double FourHundredGigabits = 400e9 / 8;

    private const string Apollo = "Urata et al., Mission Apollo, arXiv 2208.10041";

    /// <summary>Google's Palomar-class 3D-MEMS optical circuit switch (Apollo, TPU v4 pods).</summary>
    public static OpticalSwitchSpec MemsOcs { get; } = new()
    {
        Name = "mems-ocs",
        Description = "3D-MEMS optical circuit switch, Palomar class (Google Apollo): 136 ports, ~1.2 ms median / 3 ms p99",
        Radix = new(136, Apollo + " (abstract and summaries): 136x136 non-blocking"),
        ReconfigurationMedian = new(1.2 * Millisecond, "secondary: emergentmind.com summary of " + Apollo + ", median 1.2 ms"),
        ReconfigurationP99 = new(3 * Millisecond, "secondary: the same summary, p99 below 3 ms"),
        ControlLatency = new(0, "not published; add the controller's own delay with a custom switch"),
        UntouchedCircuitsStayLit = new(true, "inferred: one mirror pair steers each port, and Apollo reconfigures under live traffic (" + Apollo + ")"),
        MinimumHold = new(0, "none published"),
        PortBandwidth = new(FourHundredGigabits, "assumed 400 Gb/s optics; the switch is rate-agnostic across four link generations (" + Apollo + ")"),
    };

    /// <summary>A 3D-MEMS switch run as a reconfigurable patch panel (CALIENT S320 class): hundreds of milliseconds per change.</summary>
    public static OpticalSwitchSpec MemsPatchPanel { get; } = new()
    {
        Name = "patch-panel",
        Description = "3D-MEMS patch panel, CALIENT S320 class: 320 ports, up to 200 ms per bulk change (500 ms worst case)",
        Radix = new(320, "CALIENT S320 OCS Hardware User Guide: a 320-port switch"),
        ReconfigurationMedian = new(200 * Millisecond, "CALIENT S320 OCS Hardware User Guide p.44: a bulk reconfiguration takes up to 200 ms"),
        ReconfigurationP99 = new(500 * Millisecond, "the same page: up to 500 ms in a worst case, when the switch's own software resolves conflicts"),
        ControlLatency = new(0, "included in the guide's bulk figure"),
        UntouchedCircuitsStayLit = new(true, "the same page: a bulk change deletes some or all existing connections, so the others stay"),
        MinimumHold = new(0, "none published"),
        PortBandwidth = new(FourHundredGigabits, "assumed 400 Gb/s optics; MEMS switches are rate-agnostic"),
    };

    /// <summary>A silicon-photonic microring switch (SiP-ML's SiP-Ring): tens of microseconds.</summary>
    public static OpticalSwitchSpec FastOcs { get; } = new()
    {
        Name = "fast-ocs",
        Description = "silicon-photonic microring switch, SiP-ML class: ~20 us per change, 1024 nodes",
        Radix = new(1024, "MLNetwork/rostam paper/run_ring.sh: 1024 GPUs on one SiP-Ring (there each reaches 16 neighbours by wavelength; this model lets any pair connect)"),
        ReconfigurationMedian = new(20 * Microsecond, "MLNetwork/rostam src/utils/sim_config.hh: MRR_RECONF_DELAY_SEC = 20e-6 (Khani et al., SiP-ML, SIGCOMM 2021)"),
        ReconfigurationP99 = new(20 * Microsecond, "the same constant: the simulator models no spread"),
        ControlLatency = new(0, "rostam models none"),
        UntouchedCircuitsStayLit = new(true, "inferred: each microring retunes only its own wavelength"),
        MinimumHold = new(0, "none published (rostam holds 5x the reconfiguration time by policy, not by the device)"),
        PortBandwidth = new(20 * 25e9 / 8, "rostam sim_config.hh: 25 Gb/s per wavelength; run_ring.sh's smallest setting, 20 wavelengths"),
    };

    /// <summary>A nanosecond-class switch of tunable lasers and passive gratings (Sirius).</summary>
    public static OpticalSwitchSpec NanosecondOcs { get; } = new()
    {
        Name = "sirius",
        Description = "tunable lasers and passive gratings, Sirius class: 3.84 ns per change on 50 Gb/s channels",
        Radix = new(4096, "assumed: Ballani et al., Sirius, SIGCOMM 2020 (abstract) connects 'thousands of nodes'"),
        ReconfigurationMedian = new(3.84 * Nanosecond, "Ballani et al., Sirius, SIGCOMM 2020 (abstract): 3.84 ns end-to-end reconfiguration, lasers tune in under 912 ps"),
        ReconfigurationP99 = new(3.84 * Nanosecond, "the same figure: slots are time-synchronised, so every change takes the guard time"),
        ControlLatency = new(0, "the same abstract: a scheduler-less design, no controller round trip"),
        UntouchedCircuitsStayLit = new(false, "inferred: every node's laser follows one global slot schedule, so a change is a new slot for all"),
        MinimumHold = new(0, "none published"),
        PortBandwidth = new(50e9 / 8, "the same abstract: 50 Gb/s channels"),
    };

    /// <summary>Every preset, in order of reconfiguration time, slowest first.</summary>
    public static IReadOnlyList<OpticalSwitchSpec> All { get; } = [MemsPatchPanel, MemsOcs, FastOcs, NanosecondOcs];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static OpticalSwitchSpec? Find(string? name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
