package io.flatline.model.engine;

import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.TensorDef;
import java.util.Arrays;

/**
 * CONCATENATION along one axis: each input is copied into its slab of the output. TFLite Micro requires
 * every int8 input to share the output's scale and zero point (so levels are copied, not rescaled), and
 * so does this engine: both arithmetics then agree.
 */
final class ConcatenationKernel implements Kernel {
    private final int[] inputs;
    private final int out;
    private final StridedCopy[] copies;

    private ConcatenationKernel(int[] inputs, int out, StridedCopy[] copies) {
        this.inputs = inputs;
        this.out = out;
        this.copies = copies;
    }

    static Kernel prepare(OperatorDef op, Checks c) {
        if (!c.arity(op, 1, op.inputCount(), 1)) {
            return null;
        }
        Options.Concatenation o = (Options.Concatenation) op.options();
        TensorDef y = c.output(op);
        if (!c.int8Activation(op, y)) {
            return null;
        }
        if (o.activation() != Options.Activation.NONE) {
            return c.fail(op, "fused activation " + o.activation() + " is not supported (NONE is)");
        }
        int rank = y.rank();
        int axis = o.axis() < 0 ? o.axis() + rank : o.axis();
        if (axis < 0 || axis >= rank) {
            return c.fail(op, "axis " + o.axis() + " is out of range for " + y.describe());
        }
        int[] outStrides = StridedCopy.strides(y.shape());
        StridedCopy[] copies = new StridedCopy[op.inputCount()];
        int offset = 0;
        for (int i = 0; i < op.inputCount(); i++) {
            TensorDef x = c.input(op, i);
            if (!c.int8Operand(op, x) || !c.sameQuantization(op, x, y)) {
                return null;
            }
            int[] expected = y.shape();
            expected[axis] = x.rank() == rank ? x.dim(axis) : -1;
            if (!Arrays.equals(x.shape(), expected)) {
                return c.fail(op, "input " + x.describe() + " does not match " + y.describe()
                        + " outside axis " + axis);
            }
            copies[i] = new StridedCopy(x.shape(), 0, StridedCopy.strides(x.shape()), offset * outStrides[axis],
                    outStrides);
            offset += x.dim(axis);
        }
        if (offset != y.dim(axis)) {
            return c.fail(op, "the inputs' sizes along axis " + axis + " add up to " + offset + ", not "
                    + y.describe() + "'s " + y.dim(axis));
        }
        return new ConcatenationKernel(op.inputs(), op.output(0), copies);
    }

    @Override
    public void run(Object[] slots) {
        byte[] y = (byte[]) slots[out];
        for (int i = 0; i < copies.length; i++) {
            copies[i].run((byte[]) slots[inputs[i]], y);
        }
    }
}
