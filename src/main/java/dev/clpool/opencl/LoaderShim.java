package dev.clpool.opencl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A shared object of no code whose soname is {@code libOpenCL.so} and which depends on the OpenCL
 * library clpool chose. JOCL opens the unversioned {@code libOpenCL.so} by name, which only the
 * {@code -dev} packages install; the dynamic linker answers a name with an already loaded object of that
 * soname, and symbols looked up through that object are found in its dependencies. So once this shim is
 * loaded, JOCL's {@code dlopen("libOpenCL.so")} gets the library users actually have
 * ({@code libOpenCL.so.1}) without a symlink, a restart or an environment variable.
 *
 * <p>The file is a minimal ELF64 little-endian {@code ET_DYN}: one writable {@code PT_LOAD} (glibc
 * relocates the dynamic section in place), {@code PT_DYNAMIC}, and {@code PT_GNU_STACK} without execute
 * permission (an object without it would ask for an executable stack, which recent glibc refuses); a
 * string table, one null symbol and an empty hash table. Nothing in it is executed.
 */
final class LoaderShim {
    /** The name JOCL 2.0.5 opens on Linux ({@code LibUtils.createLibraryFileName("OpenCL")}). */
    static final String SONAME = "libOpenCL.so";

    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int PHNUM = 3;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_GNU_STACK = 0x6474e551;
    private static final int PF_W = 2;
    private static final int PF_R = 4;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_HASH = 4;
    private static final long DT_STRTAB = 5;
    private static final long DT_SYMTAB = 6;
    private static final long DT_STRSZ = 10;
    private static final long DT_SYMENT = 11;
    private static final long DT_SONAME = 14;

    private LoaderShim() {
    }

    /** The ELF machine of this JVM's architecture, where JOCL ships a Linux library for it. */
    static OptionalInt machine() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> OptionalInt.of(62); // EM_X86_64
            case "aarch64", "arm64" -> OptionalInt.of(183); // EM_AARCH64
            default -> OptionalInt.empty();
        };
    }

    /** Writes the shim for {@code needed} (a file name the linker searches for, or an absolute path) to {@code file}. */
    static void write(Path file, String needed, int machine) throws IOException {
        Files.write(file, bytes(needed, machine));
    }

    static byte[] bytes(String needed, int machine) {
        byte[] soname = (SONAME + '\0').getBytes(StandardCharsets.UTF_8);
        byte[] dependency = (needed + '\0').getBytes(StandardCharsets.UTF_8);
        int strtab = EHDR + PHNUM * PHDR;
        int strsz = 1 + soname.length + dependency.length;
        int symtab = align8(strtab + strsz);
        int hash = symtab + 24; // one Elf64_Sym, all zero
        int dynamic = hash + 16; // nbucket = 1, nchain = 1, bucket[0] = chain[0] = 0
        long[][] entries = {
            {DT_NEEDED, 1 + soname.length}, {DT_SONAME, 1}, {DT_HASH, hash}, {DT_STRTAB, strtab},
            {DT_SYMTAB, symtab}, {DT_STRSZ, strsz}, {DT_SYMENT, 24}, {DT_NULL, 0},
        };
        int size = dynamic + entries.length * 16;

        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).putLong(0); // ELFCLASS64, LSB, EV_CURRENT, SysV
        b.putShort((short) 3).putShort((short) machine).putInt(1); // ET_DYN, e_machine, e_version
        b.putLong(0).putLong(EHDR).putLong(0).putInt(0); // e_entry, e_phoff, e_shoff, e_flags
        b.putShort((short) EHDR).putShort((short) PHDR).putShort((short) PHNUM).putShort((short) 64).putShort((short) 0)
                .putShort((short) 0);
        programHeader(b, PT_LOAD, PF_R | PF_W, 0, size, 0x1000);
        programHeader(b, PT_DYNAMIC, PF_R | PF_W, dynamic, entries.length * 16L, 8);
        programHeader(b, PT_GNU_STACK, PF_R | PF_W, 0, 0, 16);
        b.put((byte) 0).put(soname).put(dependency);
        b.position(dynamic);
        b.putInt(hash, 1).putInt(hash + 4, 1);
        for (long[] e : entries) {
            b.putLong(e[0]).putLong(e[1]);
        }
        return b.array();
    }

    private static void programHeader(ByteBuffer b, int type, int flags, long offset, long size, long align) {
        b.putInt(type).putInt(flags).putLong(offset).putLong(offset).putLong(offset).putLong(size).putLong(size)
                .putLong(align);
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }
}
