namespace AspireKv.Cli;

/// <summary>What a one-shot command returns, for scripts.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The key holds no value.</summary>
    public const int NotFound = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The cluster refused or could not be reached.</summary>
    public const int Failure = 3;
}
