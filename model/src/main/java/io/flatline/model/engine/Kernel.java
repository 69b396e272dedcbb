package io.flatline.model.engine;

/**
 * One compiled operator. It reads and writes the run's tensor slots (byte[] for int8, float[] for
 * float32) and holds everything that does not change between runs: packed weights, multipliers,
 * tables.
 */
interface Kernel {
    void run(Object[] slots);
}
