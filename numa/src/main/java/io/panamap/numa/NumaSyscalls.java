package io.panamap.numa;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The kernel calls NUMA placement needs, as FFM downcalls that capture {@code errno}: {@code mbind} and
 * {@code move_pages} through libnuma's wrappers when libnuma is installed, otherwise through libc's
 * {@code syscall()} (glibc exports neither), and libc's {@code sched_setaffinity}. The one place with
 * syscall numbers and policy constants.
 */
final class NumaSyscalls {

    // Policies (linux/mempolicy.h).
    static final int MPOL_PREFERRED = 1;
    static final int MPOL_BIND = 2;
    static final int MPOL_INTERLEAVE = 3;
    static final int MPOL_LOCAL = 4;

    // errno values (asm-generic/errno-base.h: the same on x86_64 and aarch64).
    /** Not permitted: mbind's MPOL_MF_MOVE_ALL without CAP_SYS_NICE. */
    static final int EPERM = 1;
    /** move_pages' status for a page that is not (yet) backed by memory. */
    static final int ENOENT = 2;
    /** mbind could not move pages that break the policy (only with MPOL_MF_STRICT and a move flag). */
    static final int EIO = 5;
    /** The kernel ran out of memory for the policy itself. */
    static final int ENOMEM = 12;
    /**
     * move_pages' status for a page with no memory of its own: mapped to the shared zero page (read before
     * ever written) or, after {@code MADV_DONTNEED}, not present under an existing page table. From mbind: part
     * of the range is not mapped.
     */
    static final int EFAULT = 14;
    /** A policy or node mask the kernel will not take: for mbind, above all a node that is not online. */
    static final int EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final long SYS_MBIND;
    private static final long SYS_MOVE_PAGES;
    static {
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("aarch64") || arch.equals("arm64")) {
            SYS_MBIND = 235;
            SYS_MOVE_PAGES = 239;
        } else if (arch.equals("amd64") || arch.equals("x86_64")) {
            SYS_MBIND = 237;
            SYS_MOVE_PAGES = 279;
        } else {
            SYS_MBIND = -1;
            SYS_MOVE_PAGES = -1;
        }
    }

    private static final MethodHandle SYSCALL6 = find("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SET_AFFINITY = find("sched_setaffinity", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle GET_AFFINITY = find("sched_getaffinity", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle GET_CPU = find("sched_getcpu", FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /** libnuma's {@code mbind} and {@code move_pages}, or null where libnuma is not installed. */
    private static final MethodHandle LIBNUMA_MBIND;
    private static final MethodHandle LIBNUMA_MOVE_PAGES;
    static {
        MethodHandle mbind = null;
        MethodHandle movePages = null;
        try {
            final java.lang.foreign.SymbolLookup libnuma =
                    java.lang.foreign.SymbolLookup.libraryLookup("libnuma.so.1", Arena.global());
            final Linker.Option errno = Linker.Option.captureCallState("errno");
            // long mbind(void *start, unsigned long len, int mode, const unsigned long *nmask,
            //            unsigned long maxnode, unsigned flags)
            mbind = libnuma.find("mbind").map(symbol -> LINKER.downcallHandle(symbol, FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), errno)).orElse(null);
            // long move_pages(int pid, unsigned long count, void **pages, const int *nodes, int *status, int flags)
            movePages = libnuma.find("move_pages").map(symbol -> LINKER.downcallHandle(symbol,
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                    errno)).orElse(null);
        } catch (final IllegalArgumentException notInstalled) {
            // No libnuma: the raw system calls below do the same.
        }
        LIBNUMA_MBIND = mbind;
        LIBNUMA_MOVE_PAGES = movePages;
    }

    /** Whether the calls go through libnuma (true) or raw system calls; tests switch it to cover both. */
    static volatile boolean useLibnuma = LIBNUMA_MBIND != null && LIBNUMA_MOVE_PAGES != null;

    /**
     * Bytes of the CPU mask first handed to sched_getaffinity: 1024 CPUs, glibc's cpu_set_t. The kernel refuses
     * a mask shorter than its CPU count, so {@link #affinity()} doubles it from there until one fits.
     */
    static final int CPU_MASK_BYTES = 128;

    /**
     * The longest CPU mask handed to the kernel: 1 MiB, 8M CPUs, a thousand times Linux's highest NR_CPUS. Where
     * {@link #affinity()} stops doubling, and past it a CPU number is a mistake, not a machine.
     */
    static final int MAX_CPU_MASK_BYTES = 1 << 20;

    private NumaSyscalls() {
    }

    /** Whether this platform has the calls (Linux on x86_64 or aarch64, with a C library). */
    static boolean available() {
        return (useLibnuma || SYS_MBIND > 0 && SYSCALL6 != null) && SET_AFFINITY != null;
    }

    /** Whether libnuma is installed (and so used unless a test says otherwise). */
    static boolean libnumaInstalled() {
        return LIBNUMA_MBIND != null && LIBNUMA_MOVE_PAGES != null;
    }

    /** How the calls are made, for {@code ./panamap numa}. */
    static String via() {
        return useLibnuma ? "libnuma (mbind, move_pages) and libc (sched_setaffinity)"
                : "libc (syscall() for mbind and move_pages, sched_setaffinity)";
    }

    /** Sets the policy of [address, address + length); returns 0 or errno. */
    static int mbind(final long address, final long length, final int mode, final long[] nodeMask) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment mask = nodeMask.length == 0 ? MemorySegment.NULL
                    : arena.allocateFrom(ValueLayout.JAVA_LONG, nodeMask);
            // The kernel reads maxnode - 1 bits (a long-standing off-by-one that libnuma also pads for).
            final long maxNode = nodeMask.length == 0 ? 0 : nodeMask.length * 64L + 1;
            if (useLibnuma) {
                final MemorySegment captured = arena.allocate(CAPTURED);
                return errnoOf(captured, invoke(() -> (long) LIBNUMA_MBIND.invokeExact(captured, address, length,
                        mode, mask.address(), maxNode, 0)));
            }
            return call(arena, SYS_MBIND, address, length, mode, mask.address(), maxNode, 0);
        }
    }

    /**
     * The node of each page at {@code pages} (move_pages in query mode): a node id, or a negative errno
     * ({@code -ENOENT} for a page not yet faulted in).
     *
     * @throws IllegalStateException with the errno if the call fails as a whole
     */
    static int[] nodesOfPages(final long[] pages) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment addresses = arena.allocateFrom(ValueLayout.JAVA_LONG, pages);
            final MemorySegment status = arena.allocate(ValueLayout.JAVA_INT, pages.length);
            final int errno;
            if (useLibnuma) {
                final MemorySegment captured = arena.allocate(CAPTURED);
                errno = errnoOf(captured, invoke(() -> (long) LIBNUMA_MOVE_PAGES.invokeExact(captured, 0,
                        (long) pages.length, addresses.address(), 0L, status.address(), 0)));
            } else {
                errno = call(arena, SYS_MOVE_PAGES, 0, pages.length, addresses.address(), 0, status.address(), 0);
            }
            if (errno != 0) {
                throw new IllegalStateException("move_pages failed: " + errnoName(errno));
            }
            return status.toArray(ValueLayout.JAVA_INT);
        }
    }

    /** The calling thread's CPU mask (as 64-bit words, at least {@link #CPU_MASK_BYTES} of them). */
    static long[] affinity() {
        for (int bytes = CPU_MASK_BYTES; ; bytes *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                final MemorySegment captured = arena.allocate(CAPTURED);
                final MemorySegment mask = arena.allocate(bytes);
                final int result = (int) GET_AFFINITY.invokeExact(captured, 0, (long) bytes, mask);
                if (result == 0) {
                    return mask.toArray(ValueLayout.JAVA_LONG);
                }
                final int errno = (int) ERRNO.get(captured, 0L);
                if (errno != EINVAL || bytes >= MAX_CPU_MASK_BYTES) {
                    throw new IllegalStateException("sched_getaffinity failed: " + errnoName(errno));
                }
            } catch (final RuntimeException | Error e) {
                throw e;
            } catch (final Throwable t) {
                throw new IllegalStateException("sched_getaffinity failed", t);
            }
        }
    }

    /** The CPU the calling thread runs on at this moment ({@code sched_getcpu}), or -1 where it cannot be told. */
    static int currentCpu() {
        if (GET_CPU == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            return (int) GET_CPU.invokeExact(arena.allocate(CAPTURED));
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("sched_getcpu failed", t);
        }
    }

    /**
     * Restricts the calling thread to the CPUs of {@code mask}, handed over whole (the kernel ignores bits past
     * its CPU count); returns 0 or errno.
     */
    static int setAffinity(final long[] mask) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment captured = arena.allocate(CAPTURED);
            final MemorySegment bits = arena.allocateFrom(ValueLayout.JAVA_LONG, mask);
            final int result = (int) SET_AFFINITY.invokeExact(captured, 0, bits.byteSize(), bits);
            return result == 0 ? 0 : (int) ERRNO.get(captured, 0L);
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("sched_setaffinity failed", t);
        }
    }

    /** {@code errno} for people: its name for the values these calls document ("EINVAL"), else "errno N". */
    static String errnoName(final int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EIO -> "EIO";
            case ENOMEM -> "ENOMEM";
            case EFAULT -> "EFAULT";
            case EINVAL -> "EINVAL";
            default -> "errno " + errno;
        };
    }

    private static int call(final Arena arena, final long number, final long a1, final long a2, final long a3,
                            final long a4, final long a5, final long a6) {
        final MemorySegment captured = arena.allocate(CAPTURED);
        try {
            final long result = (long) SYSCALL6.invokeExact(captured, number, a1, a2, a3, a4, a5, a6);
            return result == -1 ? (int) ERRNO.get(captured, 0L) : 0;
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("syscall " + number + " failed", t);
        }
    }

    private interface Call {
        long run() throws Throwable;
    }

    private static long invoke(final Call call) {
        try {
            return call.run();
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("NUMA call failed", t);
        }
    }

    private static int errnoOf(final MemorySegment captured, final long result) {
        return result == -1 ? (int) ERRNO.get(captured, 0L) : 0;
    }

    private static MethodHandle find(final String name, final FunctionDescriptor descriptor,
                                     final Linker.Option... options) {
        final Linker.Option[] all = new Linker.Option[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.defaultLookup().find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, all))
                .orElse(null);
    }
}
