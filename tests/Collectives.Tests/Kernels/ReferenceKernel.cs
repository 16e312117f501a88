namespace Collectives.Tests.Kernels;

/// <summary>The straightforward element loop the kernels must match.</summary>
public delegate void ReferenceKernel(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result);
