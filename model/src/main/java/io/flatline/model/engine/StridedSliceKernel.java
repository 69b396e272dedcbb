package io.flatline.model.engine;

import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.TensorDef;
import java.util.Arrays;

/**
 * STRIDED_SLICE with constant begin, end and strides: one stepped copy. The begin and end of each axis
 * follow TFLite's StartForAxis and StopForAxis (masks, negative indices counted from the end, clamping
 * to the axis, a shrunk axis taking one element); ellipsis and new-axis masks and the offset flag are
 * refused by name.
 */
final class StridedSliceKernel {
    private StridedSliceKernel() {}

    static Kernel prepare(OperatorDef op, Checks c) {
        if (!c.movesLevels(op, 4)) {
            return null;
        }
        TensorDef x = c.input(op, 0);
        TensorDef y = c.output(op);
        Options.StridedSlice o = (Options.StridedSlice) op.options();
        if (o.ellipsisMask() != 0 || o.newAxisMask() != 0 || o.offset()) {
            return c.fail(op, "ellipsis_mask, new_axis_mask and offset are not supported");
        }
        int rank = x.rank();
        int[] begin = c.constantInts(op, c.input(op, 1), "begin");
        int[] end = c.constantInts(op, c.input(op, 2), "end");
        int[] strides = c.constantInts(op, c.input(op, 3), "strides");
        if (begin == null || end == null || strides == null) {
            return null;
        }
        if (begin.length != rank || end.length != rank || strides.length != rank) {
            return c.fail(op, "begin, end and strides must hold one value per dimension of " + x.describe());
        }
        int[] inStrides = StridedCopy.strides(x.shape());
        int[] counts = new int[rank];
        int[] srcStrides = new int[rank];
        int[] kept = new int[rank];
        int keptRank = 0;
        int base = 0;
        for (int d = 0; d < rank; d++) {
            int step = strides[d];
            if (step == 0) {
                return c.fail(op, "strides " + Arrays.toString(strides) + " hold a zero");
            }
            int size = x.dim(d);
            boolean shrink = (o.shrinkAxisMask() >> d & 1) != 0;
            int start = bound(begin[d], (o.beginMask() >> d & 1) != 0, step, size, false);
            int stop = shrink ? start + 1 : bound(end[d], (o.endMask() >> d & 1) != 0, step, size, true);
            // Elements start, start + step, ... before stop: ceil((stop - start) / step), none if negative.
            long span = step > 0 ? (long) stop - start : (long) start - stop;
            counts[d] = (int) Math.max(0, (span + Math.abs(step) - 1) / Math.abs(step));
            if (shrink && (start < 0 || start >= size)) {
                return c.fail(op, "axis " + d + " is shrunk to index " + begin[d] + ", outside " + x.describe());
            }
            base += counts[d] == 0 ? 0 : start * inStrides[d];
            srcStrides[d] = step * inStrides[d];
            if (!shrink) {
                kept[keptRank++] = counts[d];
            }
        }
        int[] outShape = Arrays.copyOf(kept, keptRank);
        if (!Arrays.equals(outShape, y.shape())) {
            return c.fail(op, "output " + y.describe() + " is not the slice of " + x.describe() + ", which is "
                    + Arrays.toString(outShape));
        }
        return StridedCopy.between(op.input(0), op.output(0),
                new StridedCopy(counts, base, srcStrides, 0, StridedCopy.strides(counts)));
    }

    /**
     * An axis's first index (or its stop, one past the last, when {@code stop}): a masked bound is the
     * axis's whole extent in the step's direction; a negative index counts from the end; then it is
     * clamped to [0, size] going forward or [-1, size - 1] going backward.
     */
    private static int bound(int index, boolean masked, int step, int size, boolean stop) {
        if (masked) {
            return stop ? (step > 0 ? size : -1) : (step > 0 ? 0 : size - 1);
        }
        long i = index < 0 ? (long) index + size : index;
        return (int) (step > 0 ? Math.max(0, Math.min(size, i)) : Math.max(-1, Math.min(size - 1, i)));
    }
}
