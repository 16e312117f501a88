namespace Collectives.Transport;

/// <summary>
/// Memory offered to a peer for placed frames (<see cref="IPlacedReceive"/>), open until
/// closed. Closing after the call took every frame gives the memory back at once. Closing a
/// call that failed cannot know whether the peer still writes there, so the link keeps the
/// memory pinned (and alive) for the rest of the process rather than let a late write land in
/// memory the garbage collector moved.
/// </summary>
public sealed class PlacementWindow
{
    private Action<bool>? _close;

    public PlacementWindow(Action<bool> close) => _close = close;

    /// <summary>Ends the window; <paramref name="callCompleted"/> says the call took every frame it expected.</summary>
    public void Close(bool callCompleted) => Interlocked.Exchange(ref _close, null)?.Invoke(callCompleted);
}
