using System.Text;

namespace Dso.Abstractions;

/// <summary>
/// Reads the text files operators hand over (policies, event calendars, scenarios) without trusting their size:
/// a path to a device (/dev/zero, a FIFO that never closes) or a huge binary must be a located error, not an
/// out-of-memory crash or a read that never ends. Devices report a length of 0, so the bound is applied while reading.
/// </summary>
public static class TextFile
{
    /// <summary>The largest text file read: a policy folder's file of hundreds of services fits many times over.</summary>
    public const int MaxChars = 16 * 1024 * 1024;

    /// <summary>
    /// The file's text; throws <see cref="IOException"/> (as <see cref="File.ReadAllText(string)"/> does when the file
    /// cannot be read) when it is a directory, or holds a NUL character or more than <paramref name="maxChars"/> characters.
    /// </summary>
    public static string ReadAll(string path, int maxChars = MaxChars)
    {
        if (Directory.Exists(path))
        {
            // Opening a directory fails with "access denied", which sends the operator after permissions.
            throw new InvalidTextFileException("it is a directory, not a file");
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = new StringBuilder();
        var buffer = new char[16384];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (Array.IndexOf(buffer, '\0', 0, read) >= 0)
            {
                throw new InvalidTextFileException($"it holds a NUL character: a binary file or a device, not text");
            }

            if (text.Length + read > maxChars)
            {
                throw new InvalidTextFileException($"it is longer than {maxChars:N0} characters");
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}

/// <summary>A file that is readable but is not the text it should be (see <see cref="TextFile"/>).</summary>
public sealed class InvalidTextFileException(string message) : IOException(message);
