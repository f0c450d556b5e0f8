// MSBuild task (compiled by RoslynCodeTaskFactory, see NasRec.Runtime.targets) that makes
// TorchSharp's native library load on systems whose libstdc++ predates GCC 13.
//
// libLibTorchSharp.so (TorchSharp 0.107) asks for the symbol version GLIBCXX_3.4.32 for exactly one
// symbol, std::ios_base_library_init(). Where the system libstdc++ lacks that version, this task edits
// the copy in the build output (never the NuGet cache: the file is rewritten through a temporary
// copy, which also breaks any hard link):
//   1. marks the GLIBCXX_3.4.32 version need weak (VER_FLG_WEAK), so the loader no longer refuses it;
//   2. adds a DT_NEEDED entry for a tiny shim library, compiled from glibcxx-shim.cpp, that defines
//      the symbol, and places the shim beside the library (its RUNPATH holds $ORIGIN).
// Each step is skipped when already done, so running the task again changes nothing.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;

public sealed class FixLibTorchSharp : Microsoft.Build.Utilities.Task
{
        const string ShimName = "libnasrec_glibcxx_shim.so";
    const string MissingVersion = "GLIBCXX_3.4.32";
    const uint ShtDynamic = 6;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const long DtNeeded = 1;
    const ushort VerFlgWeak = 0x2;

    /// <summary>The copies of libLibTorchSharp.so to fix.</summary>
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The shim's C++ source.</summary>
    [Required] public string ShimSource { get; set; } = "";

    /// <summary>Where the compiled shim is kept between builds (an obj folder).</summary>
    [Required] public string ShimBuildDirectory { get; set; } = "";

    /// <summary>Patch even where the system libstdc++ has the version (used by tests).</summary>
    public bool Force { get; set; }

    public override bool Execute()
    {
        if (Libraries.Length == 0) return true;
        if (!Force)
        {
            var systemLibrary = FindSystemLibStdCxx();
            if (systemLibrary != null && Contains(File.ReadAllBytes(systemLibrary), Encoding.ASCII.GetBytes(MissingVersion + "\0")))
            {
                Log.LogMessage(MessageImportance.Low, "NasRec native fix: {0} has {1}; nothing to do.", systemLibrary, MissingVersion);
                return true;
            }
        }

        try
        {
            foreach (var library in Libraries) Fix(library.GetMetadata("FullPath"));
        }
        catch (NativeFixException e)
        {
            Log.LogError(e.Message);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is IndexOutOfRangeException || e is ArgumentException)
        {
            Log.LogError("NasRec native fix: could not patch libLibTorchSharp.so: " + e.Message);
        }
        return !Log.HasLoggedErrors;
    }

    void Fix(string library)
    {
        var bytes = File.ReadAllBytes(library);
        var elf = new ElfFile(bytes);
        bool needsWeak = elf.MarkVersionNeedWeak(MissingVersion);
        bool needsShim = !elf.NeededLibraries().Contains(ShimName);
        var shimTarget = Path.Combine(Path.GetDirectoryName(library)!, ShimName);
        var shim = BuildShim();
        if (!File.Exists(shimTarget) || !File.ReadAllBytes(shimTarget).SequenceEqual(File.ReadAllBytes(shim)))
            File.Copy(shim, shimTarget, overwrite: true);
        if (!needsWeak && !needsShim)
        {
            Log.LogMessage(MessageImportance.Low, "NasRec native fix: {0} is already patched.", library);
            return;
        }

        var temporary = library + ".nasrec-tmp";
        File.WriteAllBytes(temporary, bytes);
        try
        {
            if (needsShim) Run(RequireTool("patchelf", "patchelf"), "--add-needed " + ShimName + " \"" + temporary + "\"");
            File.Replace(temporary, library, null); // a rename: the old inode (maybe a link) is left untouched
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        Log.LogMessage(MessageImportance.Normal, "NasRec native fix: patched {0} (weak {1}, needs {2}).", library, MissingVersion, ShimName);
    }

    string BuildShim()
    {
        var shim = Path.Combine(ShimBuildDirectory, ShimName);
        if (File.Exists(shim) && File.GetLastWriteTimeUtc(shim) >= File.GetLastWriteTimeUtc(ShimSource)) return shim;
        System.IO.Directory.CreateDirectory(ShimBuildDirectory);
        var temporary = shim + ".tmp";
        Run(RequireTool("g++", "g++"), "-shared -fPIC -O2 -o \"" + temporary + "\" \"" + ShimSource + "\"");
        File.Copy(temporary, shim, overwrite: true);
        File.Delete(temporary);
        return shim;
    }

    static string RequireTool(string tool, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool))) return Path.Combine(dir, tool);
        }
        throw new NativeFixException(
            "NasRec native fix: '" + tool + "' is missing; install it with: sudo apt-get install -y " + debianPackage +
            " (needed to make TorchSharp load with this system's libstdc++; see README, Troubleshooting).");
    }

    static string Run(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using (var process = Process.Start(start)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new NativeFixException("NasRec native fix: '" + Path.GetFileName(program) + " " + arguments + "' failed: " + stderr.Trim());
            return stdout.Result;
        }
    }

    static string? FindSystemLibStdCxx()
    {
        string archTag = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86-64" : "";
        foreach (var ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(ldconfig)) continue;
            string listing;
            try { listing = Run(ldconfig, "-p"); }
            catch (NativeFixException) { continue; }
            foreach (var line in listing.Split('\n'))
            {
                var trimmed = line.Trim();
                if (!trimmed.StartsWith("libstdc++.so.6 (", StringComparison.Ordinal) || !trimmed.Contains(archTag)) continue;
                var arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                if (arrow >= 0 && File.Exists(trimmed.Substring(arrow + 3))) return trimmed.Substring(arrow + 3);
            }
        }
        return new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" }
            .Select(dir => Path.Combine(dir, "libstdc++.so.6"))
            .FirstOrDefault(File.Exists);
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    sealed class NativeFixException : Exception
    {
        public NativeFixException(string message) : base(message) { }
    }

    /// <summary>Just enough of a little-endian ELF64 reader/editor for the two facts above.</summary>
    sealed class ElfFile
    {
        readonly byte[] bytes;
        readonly List<Section> sections = new List<Section>();

        struct Section
        {
            public uint Type; public long Offset; public long Size; public int Link; public int Info;
        }

        public ElfFile(byte[] bytes)
        {
            this.bytes = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F' || bytes[4] != 2 || bytes[5] != 1)
                throw new NativeFixException("NasRec native fix: the library is not a little-endian ELF64 file.");
            long sectionTable = (long)BitConverter.ToUInt64(bytes, 0x28);
            int entrySize = BitConverter.ToUInt16(bytes, 0x3A);
            int count = BitConverter.ToUInt16(bytes, 0x3C);
            for (int i = 0; i < count; i++)
            {
                long at = sectionTable + (long)i * entrySize;
                sections.Add(new Section
                {
                    Type = BitConverter.ToUInt32(bytes, (int)at + 4),
                    Offset = (long)BitConverter.ToUInt64(bytes, (int)at + 24),
                    Size = (long)BitConverter.ToUInt64(bytes, (int)at + 32),
                    Link = (int)BitConverter.ToUInt32(bytes, (int)at + 40),
                    Info = (int)BitConverter.ToUInt32(bytes, (int)at + 44),
                });
            }
        }

        /// <summary>Sets VER_FLG_WEAK on the named version need; true when the bytes changed.</summary>
        public bool MarkVersionNeedWeak(string version)
        {
            foreach (var section in sections.Where(s => s.Type == ShtGnuVerneed))
            {
                long need = section.Offset;
                for (int n = 0; n < section.Info; n++)
                {
                    int auxCount = BitConverter.ToUInt16(bytes, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(bytes, (int)need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        var name = ReadString(sections[section.Link], BitConverter.ToUInt32(bytes, (int)aux + 8));
                        int flagsAt = (int)aux + 4;
                        ushort flags = BitConverter.ToUInt16(bytes, flagsAt);
                        if (name == version)
                        {
                            if ((flags & VerFlgWeak) != 0) return false;
                            flags |= VerFlgWeak;
                            bytes[flagsAt] = (byte)flags;
                            bytes[flagsAt + 1] = (byte)(flags >> 8);
                            return true;
                        }
                        aux += BitConverter.ToUInt32(bytes, (int)aux + 12);
                    }
                    need += BitConverter.ToUInt32(bytes, (int)need + 12);
                }
            }
            return false;
        }

        public List<string> NeededLibraries()
        {
            var needed = new List<string>();
            foreach (var section in sections.Where(s => s.Type == ShtDynamic))
            {
                for (long at = section.Offset; at + 16 <= section.Offset + section.Size; at += 16)
                {
                    long tag = BitConverter.ToInt64(bytes, (int)at);
                    if (tag == 0) break;
                    if (tag == DtNeeded) needed.Add(ReadString(sections[section.Link], (long)BitConverter.ToUInt64(bytes, (int)at + 8)));
                }
            }
            return needed;
        }

        string ReadString(Section table, long offset)
        {
            int start = (int)(table.Offset + offset);
            int end = start;
            while (bytes[end] != 0) end++;
            return Encoding.ASCII.GetString(bytes, start, end - start);
        }
    }
}
