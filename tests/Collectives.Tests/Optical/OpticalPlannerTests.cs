using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Optical.Planning;
using Collectives.Schedules;
using static Collectives.Tests.Optical.OpticalFabrics;

namespace Collectives.Tests.Optical;

/// <summary>The reconfiguration planner: when it changes circuits, what each change costs, what hides before the call.</summary>
public sealed class OpticalPlannerTests
{
    private const double Reconfiguration = 10 * Microsecond;

    private static (IReadOnlyList<CommunicationStep> Steps, CircuitFabric Fabric) HalvingDoublingOn16(CircuitFabric? fabric = null)
    {
        fabric ??= Circuits(16, degree: 1, Reconfiguration, alpha: 1 * Microsecond, propagation: 1 * Microsecond);
        return (HalvingDoublingSchedule.AllReduce(new PowerOfTwoFold(16), 0), fabric);
    }

    private static CircuitPlan Plan(IReadOnlyList<CommunicationStep> steps, CircuitFabric fabric, PlanOptions options) =>
        ReconfigurationPlanner.Plan(steps, CandidateConfigurations.For(fabric, steps), fabric, new CircuitStepPricer(fabric), options);

    [Fact]
    public void PerStepMatchingsChangeOncePerNewPartnerAndTheFirstChangeWaitsWithoutAnIdleWindow()
    {
        (var steps, var fabric) = HalvingDoublingOn16();
        CircuitPlan plan = Plan(steps, fabric, new PlanOptions());
        // Masks 8, 4, 2, 1, 1, 2, 4, 8: seven configurations, six changes during the call and one before it.
        Assert.Equal(7, plan.Segments.Count);
        Assert.Equal(6, plan.Reconfigurations);
        Assert.True(plan.ChangesBeforeFirstStep);
        Assert.Equal(7 * Reconfiguration, plan.ReconfigurationSeconds, 12);
        Assert.Equal(8 * 2 * Microsecond, plan.Steps.Total, 12);
    }

    [Fact]
    public void AnIdleWindowHidesWhatItCanOfTheFirstChange()
    {
        (var steps, var fabric) = HalvingDoublingOn16();
        CircuitPlan plan = Plan(steps, fabric, new PlanOptions { IdleBeforeCall = 4 * Microsecond });
        Assert.Equal(4 * Microsecond, plan.HiddenSeconds, 12);
        Assert.Equal((7 * Reconfiguration) - (4 * Microsecond), plan.ReconfigurationSeconds, 12);
    }

    [Fact]
    public void P99ChargesTheTailAndMakesChangesRarer()
    {
        (var steps, var fabric) = HalvingDoublingOn16();
        fabric = fabric with { Switch = fabric.Switch with { ReconfigurationP99 = new(1, "a very slow tail") } };
        CircuitPlan median = Plan(steps, fabric, new PlanOptions { IdleBeforeCall = double.PositiveInfinity });
        CircuitPlan tail = Plan(steps, fabric, new PlanOptions { IdleBeforeCall = double.PositiveInfinity, UseP99 = true });
        Assert.Equal(6, median.Reconfigurations);
        // At a second per change, relaying every exchange around one ring beats changing at all.
        Assert.Equal(0, tail.Reconfigurations);
        Assert.Equal("ring", tail.Describe());
        Assert.True(tail.TotalSeconds > median.TotalSeconds);
    }

    [Fact]
    public void TheMinimumHoldMakesAShortSegmentWait()
    {
        (var steps, var fabric) = HalvingDoublingOn16();
        // Each exchange takes 2 µs; a 5 µs hold makes every change wait 3 µs more, still cheaper than relaying around a ring.
        fabric = fabric with { Switch = fabric.Switch with { MinimumHold = new(5 * Microsecond, "test") } };
        CircuitPlan plan = Plan(steps, fabric, new PlanOptions { IdleBeforeCall = double.PositiveInfinity });
        Assert.Equal(6, plan.Reconfigurations);
        // Segments: mask 8 (installed before the call, held long enough), 4, 2, 1 twice (4 µs, waits 1 µs), 2, 4, 8.
        Assert.Equal([0, 1, 2, 3, 5, 6, 7], plan.Segments.Select(s => s.FirstStep));
        double[] waits = [0, 0, 3, 3, 1, 3, 3];
        Assert.Equal(waits.Select(w => w * Microsecond), plan.Segments.Select(s => s.HoldWaitSeconds), (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.Equal((6 * Reconfiguration) + (13 * Microsecond), plan.ReconfigurationSeconds, 12);
        // A hold longer than the relays cost makes the planner keep one ring instead.
        CircuitPlan patient = Plan(steps, fabric with { Switch = fabric.Switch with { MinimumHold = new(50 * Microsecond, "test") } },
            new PlanOptions { IdleBeforeCall = double.PositiveInfinity });
        Assert.Equal(0, patient.Reconfigurations);
    }

    [Fact]
    public void ASwitchThatDarkensEveryCircuitLeavesSharedPlanesAlone()
    {
        (var steps, var fabric) = HalvingDoublingOn16();
        fabric = fabric with
        {
            Switch = fabric.Switch with { UntouchedCircuitsStayLit = new(false, "test") },
            Current = CandidateConfigurations.StaticRing(fabric),
        };
        CircuitFabric shared = fabric with { Switch = fabric.Switch with { Radix = new(20, "test") }, ForeignCircuits = [new Circuit(0, 16, 17)] };
        CircuitPlan plan = Plan(steps, shared, new PlanOptions { IdleBeforeCall = double.PositiveInfinity });
        Assert.True(plan.IsFeasible);
        Assert.Equal(0, plan.Reconfigurations);
        Assert.False(plan.ChangesBeforeFirstStep);
        Assert.Equal("ring", plan.Describe());
    }

    [Fact]
    public void TheBestStaticConfigurationFollowsTheJob()
    {
        CircuitFabric fabric = Circuits(16, degree: 4, Reconfiguration, alpha: 1 * Microsecond, propagation: 1 * Microsecond);
        var pricer = new CircuitStepPricer(fabric);
        var fold = new PowerOfTwoFold(16);
        IReadOnlyList<CommunicationStep> exchanges = HalvingDoublingSchedule.AllReduce(fold, 1 << 10);
        IReadOnlyList<CommunicationStep> ring = RingSchedule.AllReduce(FlowPattern.Shift(16, 1), 1 << 30);
        Assert.Equal("hypercube", CandidateConfigurations.BestStatic(fabric, [exchanges], pricer)!.Name);
        Assert.Equal("ring", CandidateConfigurations.BestStatic(fabric, [ring, exchanges], pricer)!.Name);
    }
}
