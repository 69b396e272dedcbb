package io.flatline.ingest.registers;

import java.util.List;

/** The registers one poll read: each block with the values the device returned for it. */
public final class RegisterImage {
    private final List<RegisterRange> blocks;
    private final List<int[]> values;

    public RegisterImage(List<RegisterRange> blocks, List<int[]> values) {
        if (blocks.size() != values.size()) {
            throw new IllegalArgumentException(blocks.size() + " blocks but " + values.size() + " value arrays");
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (values.get(i).length != blocks.get(i).count()) {
                throw new IllegalArgumentException("block " + blocks.get(i) + " has " + values.get(i).length + " values");
            }
        }
        this.blocks = List.copyOf(blocks);
        this.values = List.copyOf(values);
    }

    /** The registers of {@code range}, which may span blocks (a value split where a 125-register block ends). */
    public int[] slice(RegisterRange range) {
        int[] out = new int[range.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = register(range.kind(), range.start() + i);
        }
        return out;
    }

    private int register(RegisterKind kind, int address) {
        for (int b = 0; b < blocks.size(); b++) {
            RegisterRange block = blocks.get(b);
            if (block.kind() == kind && block.contains(address)) {
                return values.get(b)[address - block.start()];
            }
        }
        throw new IllegalArgumentException(kind + " register " + address + " was not read");
    }
}
