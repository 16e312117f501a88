namespace Collectives.Tests.Harness;

/// <summary>Runs one task per rank of an in-process group, as the ranks of a real job would run.</summary>
internal static class RankRunner
{
    /// <summary>Generous cap so a broken algorithm fails the test instead of hanging the run.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    public static Task RunAsync(Communicator[] group, Func<Communicator, Task> body) =>
        Task.WhenAll(group.Select(comm => Task.Run(() => body(comm)))).WaitAsync(Guard);

    public static async Task<TResult[]> RunAsync<TResult>(Communicator[] group, Func<Communicator, Task<TResult>> body) =>
        await Task.WhenAll(group.Select(comm => Task.Run(() => body(comm)))).WaitAsync(Guard);

    /// <summary>Runs every rank and returns what each one threw (null where it succeeded).</summary>
    public static async Task<Exception?[]> RunCollectingAsync(Communicator[] group, Func<Communicator, Task> body)
    {
        Task[] tasks = group.Select(comm => Task.Run(() => body(comm))).ToArray();
        try
        {
            await Task.WhenAll(tasks).WaitAsync(Guard);
        }
        catch (Exception) when (tasks.All(t => t.IsCompleted))
        {
            // Inspected per rank below.
        }
        return tasks.Select(t => t.Exception?.InnerException).ToArray();
    }

    public static async Task DisposeAllAsync(Communicator[] group)
    {
        foreach (Communicator comm in group)
        {
            await comm.DisposeAsync();
        }
    }
}
