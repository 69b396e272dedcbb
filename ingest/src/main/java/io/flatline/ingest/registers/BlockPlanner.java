package io.flatline.ingest.registers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Merges the registers a device needs into as few block reads as the protocol and the gap limit allow. */
public final class BlockPlanner {
    private BlockPlanner() {
    }

    /**
     * Blocks covering every wanted register, each at most {@code maxBlock} registers, bridging gaps of at most
     * {@code maxGap} unwanted registers. Some devices answer an exception for unmapped registers, which is why
     * the fill is configurable and 0 never reads a register nobody asked for.
     */
    public static List<RegisterRange> plan(List<RegisterRange> wanted, int maxGap, int maxBlock) {
        if (maxGap < 0 || maxBlock < 1 || maxBlock > RegisterRange.MAX_READ) {
            throw new IllegalArgumentException("maxGap " + maxGap + ", maxBlock " + maxBlock);
        }
        List<RegisterRange> sorted = new ArrayList<>(wanted);
        sorted.sort(Comparator.comparing(RegisterRange::kind).thenComparingInt(RegisterRange::start));
        List<RegisterRange> blocks = new ArrayList<>();
        RegisterKind kind = null;
        int blockStart = -1;
        int blockEnd = -1;
        for (RegisterRange range : sorted) {
            if (range.kind() != kind) {
                if (kind != null) {
                    blocks.add(new RegisterRange(kind, blockStart, blockEnd - blockStart + 1));
                }
                kind = range.kind();
                blockStart = range.start();
                blockEnd = Math.min(range.end(), blockStart + maxBlock - 1);
            }
            int pos = Math.max(range.start(), blockEnd + 1);
            while (pos <= range.end()) {
                boolean joins = pos - blockEnd - 1 <= maxGap && pos <= blockStart + maxBlock - 1;
                if (!joins) {
                    blocks.add(new RegisterRange(kind, blockStart, blockEnd - blockStart + 1));
                    blockStart = pos;
                }
                blockEnd = Math.min(range.end(), blockStart + maxBlock - 1);
                pos = blockEnd + 1;
            }
        }
        if (kind != null) {
            blocks.add(new RegisterRange(kind, blockStart, blockEnd - blockStart + 1));
        }
        return List.copyOf(blocks);
    }
}
