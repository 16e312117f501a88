using Collectives.Cli.Perf;
using Collectives.Kernels;

namespace Collectives.Tests.Cli;

/// <summary>
/// The #wrong column must be able to fail: the checker counts exactly the corrupted elements,
/// and its expected values agree with an independent serial run of the library's kernels.
/// </summary>
public sealed class ResultCheckerTests
{
    [Theory]
    [InlineData(CollectiveKind.AllReduce, 2)]
    [InlineData(CollectiveKind.AllReduce, 3)]
    [InlineData(CollectiveKind.ReduceScatter, 3)]
    [InlineData(CollectiveKind.AllGather, 3)]
    [InlineData(CollectiveKind.Broadcast, 2)]
    [InlineData(CollectiveKind.Reduce, 3)]
    [InlineData(CollectiveKind.AllToAll, 4)]
    public void CountsExactlyTheCorruptedElements(CollectiveKind kind, int ranks)
    {
        var expected = new ExpectedValues<float>(kind, ReduceOp.Sum, ranks, root: ranks - 1);
        CollectiveLayout layout = CollectiveLayout.For(kind, 5000 * sizeof(float), ranks, sizeof(float));
        int rank = ranks - 1;
        float[] output = SerialCollective.Output(expected, rank, layout);
        Assert.NotEmpty(output);
        Assert.Equal(0, ResultChecker.CountWrong(expected, rank, layout, output));

        output[0] += 1;
        output[output.Length / 2] = float.NaN;
        output[^1] = -output[^1] - 1;
        Assert.Equal(3, ResultChecker.CountWrong(expected, rank, layout, output));
    }

    [Fact]
    public void ABlockFromTheWrongRankCountsEveryElementOfIt()
    {
        const int Ranks = 3;
        var expected = new ExpectedValues<int>(CollectiveKind.AllGather, ReduceOp.Sum, Ranks, root: 0);
        CollectiveLayout layout = CollectiveLayout.For(CollectiveKind.AllGather, 3 * 100 * sizeof(int), Ranks, sizeof(int));
        int[] output = SerialCollective.Output(expected, 0, layout);
        // Block 2 delivered where block 1 belongs.
        output.AsSpan(200, 100).CopyTo(output.AsSpan(100, 100));
        Assert.Equal(100, ResultChecker.CountWrong(expected, 0, layout, output));
    }

    [Fact]
    public void AnUnwrittenOutputIsWrongEverywhere()
    {
        var expected = new ExpectedValues<Half>(CollectiveKind.AllReduce, ReduceOp.Avg, 2, root: 0);
        CollectiveLayout layout = CollectiveLayout.For(CollectiveKind.AllReduce, 1000 * 2, 2, 2);
        var output = new Half[layout.ReceiveCount];
        output.AsSpan().Fill(ElementConvert.Poison<Half>());
        Assert.Equal(1000, ResultChecker.CountWrong(expected, 0, layout, output));
    }

    public static TheoryData<DataType, ReduceOp, int> TypesOpsRanks()
    {
        var data = new TheoryData<DataType, ReduceOp, int>();
        foreach (DataType type in DataTypes.All)
        {
            foreach (ReduceOp op in Enum.GetValues<ReduceOp>())
            {
                if (!ReductionKernels.IsValidOp(type, op))
                {
                    continue;
                }
                foreach (int ranks in new[] { 1, 2, 3, 16, 40 })
                {
                    data.Add(type, op, ranks);
                }
            }
        }
        // Past BFloat16's exact integers (256) and Half's (2048): the pattern must still be exact.
        data.Add(DataType.BFloat16, ReduceOp.Sum, 300);
        data.Add(DataType.BFloat16, ReduceOp.Prod, 300);
        data.Add(DataType.Float16, ReduceOp.Avg, 300);
        return data;
    }

    [Theory]
    [MemberData(nameof(TypesOpsRanks))]
    public void ExpectedReductionsMatchTheKernelsInAnyRankOrder(DataType type, ReduceOp op, int ranks)
    {
        switch (type)
        {
            case DataType.Float32: KernelAgreement.Check<float>(op, ranks); break;
            case DataType.Float64: KernelAgreement.Check<double>(op, ranks); break;
            case DataType.Float16: KernelAgreement.Check<Half>(op, ranks); break;
            case DataType.BFloat16: KernelAgreement.Check<BFloat16>(op, ranks); break;
            case DataType.Int8: KernelAgreement.Check<sbyte>(op, ranks); break;
            case DataType.UInt8: KernelAgreement.Check<byte>(op, ranks); break;
            case DataType.Int32: KernelAgreement.Check<int>(op, ranks); break;
            case DataType.UInt32: KernelAgreement.Check<uint>(op, ranks); break;
            case DataType.Int64: KernelAgreement.Check<long>(op, ranks); break;
            case DataType.UInt64: KernelAgreement.Check<ulong>(op, ranks); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    [Fact]
    public void UnsignedPatternsStayNonNegative()
    {
        foreach (CollectiveKind kind in CollectiveNames.All)
        {
            foreach (ReduceOp op in new[] { ReduceOp.Sum, ReduceOp.Prod, ReduceOp.Min })
            {
                var pattern = new InputPattern(kind, op, 5, DataType.UInt8);
                for (int rank = 0; rank < 5; rank++)
                {
                    for (int i = 0; i < InputPattern.Period; i++)
                    {
                        Assert.InRange(pattern.Value(rank, i), 0, byte.MaxValue);
                    }
                }
            }
        }
    }
}
