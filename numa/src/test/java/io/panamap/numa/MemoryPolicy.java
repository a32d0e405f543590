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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The policy the kernel keeps for a piece of memory, read back with {@code get_mempolicy(2)} and
 * {@code MPOL_F_ADDR}. On a machine of one node every page lands on node 0 whatever the policy says, so only this
 * shows which mode and which nodes an {@code mbind} really handed over. The constants are linux/mempolicy.h's,
 * written out here rather than taken from {@link NumaSyscalls}, so that a wrong one there cannot agree with itself.
 *
 * @param mode  the policy's mode: {@link #DEFAULT}, {@link #PREFERRED}, {@link #BIND}, {@link #INTERLEAVE} or
 *              {@link #LOCAL}
 * @param nodes the nodes of its node mask, in order (none for the default and local policies)
 */
record MemoryPolicy(int mode, List<Integer> nodes) {

    static final int DEFAULT = 0;
    static final int PREFERRED = 1;
    static final int BIND = 2;
    static final int INTERLEAVE = 3;
    static final int LOCAL = 4;

    /** get_mempolicy's flag: the policy of the mapping at {@code addr}, not the thread's. */
    private static final long MPOL_F_ADDR = 1 << 1;
    /** Words of node mask read back: 1,024 nodes, more than any kernel's MAX_NUMNODES on these machines. */
    private static final int MASK_WORDS = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** libc's {@code long syscall(long number, ...)}, with five arguments after the number. */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    /** The policy of the mapping that holds {@code memory}'s first byte. */
    static MemoryPolicy of(final MemorySegment memory) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment captured = arena.allocate(CAPTURED);
            final MemorySegment mode = arena.allocate(ValueLayout.JAVA_INT);
            final MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, MASK_WORDS);
            // long get_mempolicy(int *mode, unsigned long *nmask, unsigned long maxnode, void *addr,
            //                   unsigned long flags)
            final long result = (long) SYSCALL.invokeExact(captured, getMempolicyNumber(), mode.address(),
                    mask.address(), (long) MASK_WORDS * Long.SIZE, memory.address(), MPOL_F_ADDR);
            if (result != 0) {
                throw new IllegalStateException("get_mempolicy failed: errno " + (int) ERRNO.get(captured, 0L));
            }
            final List<Integer> nodes = new ArrayList<>();
            for (int node = 0; node < MASK_WORDS * Long.SIZE; node++) {
                if ((mask.getAtIndex(ValueLayout.JAVA_LONG, node / Long.SIZE) & 1L << node % Long.SIZE) != 0) {
                    nodes.add(node);
                }
            }
            return new MemoryPolicy(mode.get(ValueLayout.JAVA_INT, 0), nodes);
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("get_mempolicy failed", t);
        }
    }

    /** get_mempolicy's system call number (asm/unistd.h of each architecture). */
    private static long getMempolicyNumber() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> 239;
            case "aarch64", "arm64" -> 236;
            default -> throw new IllegalStateException("no get_mempolicy number for " + System.getProperty("os.arch"));
        };
    }
}
