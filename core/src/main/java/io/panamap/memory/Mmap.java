package io.panamap.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Anonymous memory mappings through libc, reached with {@link Linker} downcalls (no JNI, no Unsafe).
 *
 * <p>Why mmap rather than {@link Arena#allocate}: the arena zero-fills the whole region inside the call
 * (about 0.4 s per GiB), which would put an O(table) stall into the insert that starts a growth. An
 * anonymous private mapping is zero by definition and is backed page by page on first touch, so
 * reserving even a GiB takes about half a microsecond; the cost is spread over the writes that touch
 * the pages.
 *
 * <p>Every mapping is wrapped in a segment of a caller-supplied shared arena whose cleanup unmaps it:
 * closing the arena frees the memory and makes later accesses throw.
 */
@SuppressWarnings("restricted") // mmap is the point of this class; every call site is checked
public final class Mmap {

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    /**
     * Do not reserve swap/commit charge: tables reserve virtual overflow areas they may never touch,
     * and the table's own memory budget is the limit that matters.
     */
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_NOHUGEPAGE = 15;
    /** Linux 5.14+: fault pages in as if written, without writing; EINVAL on older kernels. */
    private static final int MADV_POPULATE_WRITE = 23;
    /**
     * Drop the pages: a private anonymous mapping reads zeros afterwards and is backed again on the next
     * touch, without unmapping (so the address range stays reserved and every segment over it valid).
     */
    private static final int MADV_DONTNEED = 4;
    /** The base page size on the supported platforms; hints are applied to the whole pages inside a range. */
    private static final long PAGE_BYTES = 4096;
    private static final long MAP_FAILED = -1L;

    private static final Syscalls SYSCALLS = Syscalls.load().orElse(null);

    private Mmap() {
    }

    /** Whether this platform has the calls (Linux on x86_64 or aarch64 with a loadable libc). */
    public static boolean isAvailable() {
        return SYSCALLS != null;
    }

    /**
     * Maps {@code byteSize} bytes of zeroed, lazily backed memory owned by {@code arena}.
     *
     * @param hugePages whether to ask for transparent huge pages ({@code MADV_HUGEPAGE}); otherwise the
     *                  mapping is marked {@code MADV_NOHUGEPAGE} so that a system in THP "always" mode
     *                  does not put a 2 MiB fault into an insert
     * @throws NativeMemoryException if the kernel refuses the mapping
     */
    public static MemorySegment map(final long byteSize, final Arena arena, final boolean hugePages) {
        if (byteSize <= 0) {
            throw new IllegalArgumentException("mapping size must be positive: " + byteSize);
        }
        final Syscalls calls = requireAvailable();
        long address = mapAnonymous(calls, byteSize);
        if (address == MAP_FAILED) {
            address = mapAnonymousCapturingErrno(calls, byteSize);
        }
        advise(calls, address, byteSize, hugePages);
        return MemorySegment.ofAddress(address).reinterpret(byteSize, arena, seg -> unmap(seg.address(), byteSize));
    }

    /**
     * Faults in {@code byteLength} bytes at {@code byteOffset} of a mapping made by {@link #map}, as a
     * write would but without changing any byte, so it is safe while another thread writes there.
     *
     * @return whether the kernel did it ({@code MADV_POPULATE_WRITE} needs Linux 5.14)
     */
    public static boolean populate(final MemorySegment mapping, final long byteOffset, final long byteLength) {
        final Syscalls calls = requireAvailable();
        final long pageMask = PAGE_BYTES - 1;
        final long start = (mapping.address() + byteOffset) & ~pageMask;
        final long end = Math.min(mapping.address() + mapping.byteSize(), mapping.address() + byteOffset + byteLength);
        if (end <= start || !mapping.scope().isAlive()) {
            return false;
        }
        try {
            return (int) calls.madvise.invokeExact(MemorySegment.ofAddress(start), end - start, MADV_POPULATE_WRITE) == 0;
        } catch (final Throwable t) {
            return false;
        }
    }

    /**
     * Gives the pages inside {@code byteLength} bytes at {@code byteOffset} of a mapping made by {@link #map}
     * back to the operating system ({@code MADV_DONTNEED}): they read zeros afterwards and are faulted in
     * again, zeroed, on the next touch; the mapping stays in place and usable. Only whole pages inside the
     * range are dropped (its ends are rounded inwards), so bytes outside it keep their contents.
     *
     * <p>Not for memory another thread may be reading: what it reads becomes zeros. Allocates nothing on the
     * Java heap, so that an allocator may call it on its free path.
     *
     * @return whether the kernel did it; false where mmap is not available, the range holds no whole page
     *         or the mapping is closed
     */
    public static boolean discard(final MemorySegment mapping, final long byteOffset, final long byteLength) {
        if (SYSCALLS == null || byteOffset < 0 || byteLength <= 0) {
            return false;
        }
        final long pageMask = PAGE_BYTES - 1;
        final long from = mapping.address() + byteOffset;
        final long to = Math.min(mapping.address() + mapping.byteSize(), from + byteLength);
        final long start = (from + pageMask) & ~pageMask;
        final long end = to & ~pageMask;
        if (end <= start || !mapping.scope().isAlive()) {
            return false;
        }
        try {
            return (int) SYSCALLS.madviseAtAddress.invokeExact(start, end - start, MADV_DONTNEED) == 0;
        } catch (final Throwable t) {
            return false;
        }
    }

    /**
     * The common case, kept cheap (about half a microsecond): no errno capture, which would need a
     * native scratch segment per call.
     */
    private static long mapAnonymous(final Syscalls calls, final long byteSize) {
        try {
            final MemorySegment result = (MemorySegment) calls.mmap.invokeExact(MemorySegment.NULL, byteSize,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            return result.address();
        } catch (final Throwable t) {
            throw new IllegalStateException("mmap downcall failed", t);
        }
    }

    /** The failure path: try once more, capturing errno so the exception can say why. */
    private static long mapAnonymousCapturingErrno(final Syscalls calls, final long byteSize) {
        try (Arena callArena = Arena.ofConfined()) {
            final MemorySegment errno = callArena.allocate(Syscalls.CAPTURE_LAYOUT);
            final MemorySegment result = (MemorySegment) calls.mmapCapturingErrno.invokeExact(errno, MemorySegment.NULL,
                    byteSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (result.address() == MAP_FAILED) {
                throw new NativeMemoryException("mmap of " + byteSize + " bytes failed: " + describeErrno(errno));
            }
            return result.address();
        } catch (final NativeMemoryException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("mmap downcall failed", t);
        }
    }

    private static void advise(final Syscalls calls, final long address, final long byteSize, final boolean hugePages) {
        final int rc;
        try {
            rc = (int) calls.madvise.invokeExact(MemorySegment.ofAddress(address), byteSize,
                    hugePages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
        } catch (final Throwable t) {
            unmap(address, byteSize);
            throw new IllegalStateException("madvise downcall failed", t);
        }
        if (rc != 0 && hugePages) {
            // MADV_NOHUGEPAGE failing only means the kernel has no THP at all: nothing to avoid.
            unmap(address, byteSize);
            throw new NativeMemoryException("madvise(MADV_HUGEPAGE) on " + byteSize
                    + " bytes failed (transparent huge pages not supported by this kernel?)");
        }
    }

    private static void unmap(final long address, final long byteSize) {
        try {
            final int rc = (int) SYSCALLS.munmap.invokeExact(MemorySegment.ofAddress(address), byteSize);
            if (rc != 0) {
                // Nothing can be thrown from an arena cleanup; a failing munmap means a broken invariant.
                System.err.printf(Locale.ROOT, "panamap: munmap(0x%x, %d) failed%n", address, byteSize);
            }
        } catch (final Throwable t) {
            System.err.println("panamap: munmap downcall failed: " + t);
        }
    }

    private static String describeErrno(final MemorySegment captured) {
        final int errno = (int) Syscalls.ERRNO.get(captured, 0L);
        String text = "errno " + errno;
        try {
            final MemorySegment message = (MemorySegment) SYSCALLS.strerror.invokeExact(errno);
            text = message.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (final Throwable ignored) {
            // keep the number alone
        }
        return text;
    }

    private static Syscalls requireAvailable() {
        if (SYSCALLS == null) {
            throw new UnsupportedOperationException("anonymous mmap is not available on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + "; use NativeAllocators.arena()");
        }
        return SYSCALLS;
    }

    /** The downcall handles, or nothing when the platform does not have them. */
    private record Syscalls(MethodHandle mmap, MethodHandle mmapCapturingErrno, MethodHandle munmap,
                            MethodHandle madvise, MethodHandle madviseAtAddress, MethodHandle strerror) {

        static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        static Optional<Syscalls> load() {
            final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            final String arch = System.getProperty("os.arch", "");
            // The flag values above are the Linux ones shared by x86_64 and aarch64.
            if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                return Optional.empty();
            }
            try {
                final Linker linker = Linker.nativeLinker();
                final SymbolLookup libc = linker.defaultLookup();
                final Linker.Option errno = Linker.Option.captureCallState("errno");
                final FunctionDescriptor mmapSignature = FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG);
                final MemorySegment mmapSymbol = libc.find("mmap").orElseThrow();
                final MethodHandle mmap = linker.downcallHandle(mmapSymbol, mmapSignature);
                final MethodHandle mmapCapturingErrno = linker.downcallHandle(mmapSymbol, mmapSignature, errno);
                final MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                final MethodHandle madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
                // madvise again, the address passed as a 64-bit integer: a pointer and a long travel in the same
                // integer register on both supported ABIs (SysV x86_64, AAPCS64), and no MemorySegment has to be
                // made per call, which escape analysis does not always remove from a downcall's arguments.
                final MethodHandle madviseAtAddress = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
                final MethodHandle strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                return Optional.of(new Syscalls(mmap, mmapCapturingErrno, munmap, madvise, madviseAtAddress,
                        strerror));
            } catch (final RuntimeException | LinkageError e) {
                return Optional.empty();
            }
        }
    }
}
