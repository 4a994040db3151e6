namespace Dso.Controller.Cli;

/// <summary>
/// Paths given to the commands' options, checked before any work: a directory where a file belongs failed with
/// "access denied" (for reading or writing alike), which sends the operator after permissions instead of the path.
/// </summary>
internal static class CliPaths
{
    /// <summary>Why <paramref name="file"/> cannot be read as <paramref name="what"/> (e.g. "a scenario file"); null when it may be.</summary>
    public static string? InputProblem(string option, FileInfo? file, string what) =>
        file is not null && Directory.Exists(file.FullName) ? $"{option} {file.FullName}: is a directory, not {what}" : null;

    /// <summary>Why <paramref name="file"/> cannot be written: a directory, or in a directory that does not exist; null when it may be.</summary>
    public static string? OutputProblem(string option, FileInfo? file) =>
        file is null ? null
        : Directory.Exists(file.FullName) ? $"{option} {file.FullName}: is a directory, not a file"
        : file.DirectoryName is not { } directory || !Directory.Exists(directory) ? $"{option} {file.FullName}: the directory {file.DirectoryName} does not exist"
        : null;
}
