package io.flatline.model.engine;

import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.TensorDef;
import java.util.Arrays;

/**
 * PAD and PADV2: the input surrounded by a constant. Both runtimes pad an int8 tensor with a level, not
 * a real value: PAD with the output's zero point (real 0), PADV2 with the raw level of its
 * constant_values input, which must therefore share the output's quantization (TFLite checks the same).
 * No arithmetic, so the two arithmetics agree.
 */
final class PadKernel implements Kernel {
    private final int in;
    private final int out;
    private final byte value;
    private final StridedCopy interior;

    private PadKernel(int in, int out, byte value, StridedCopy interior) {
        this.in = in;
        this.out = out;
        this.value = value;
        this.interior = interior;
    }

    static Kernel prepare(OperatorDef op, Checks c) {
        boolean v2 = op.op() == BuiltinOperator.PADV2;
        if (!c.movesLevels(op, v2 ? 3 : 2)) {
            return null;
        }
        TensorDef x = c.input(op, 0);
        TensorDef y = c.output(op);
        TensorDef p = c.input(op, 1);
        int[] pads = c.constantInts(op, p, "paddings");
        if (pads == null) {
            return null;
        }
        int rank = x.rank();
        if (!c.rank(op, y, rank)) {
            return null;
        }
        if (p.rank() != 2 || p.dim(0) != rank || p.dim(1) != 2) {
            return c.fail(op, "paddings " + p.describe() + " must have shape [" + rank + ", 2]");
        }
        int[] outShape = new int[rank];
        int[] dstStrides = StridedCopy.strides(y.shape());
        int base = 0;
        for (int d = 0; d < rank; d++) {
            int before = pads[2 * d];
            int after = pads[2 * d + 1];
            if (before < 0 || after < 0) {
                return c.fail(op, "paddings " + Arrays.toString(pads) + " are negative; PAD cannot crop");
            }
            outShape[d] = x.dim(d) + before + after;
            base += before * dstStrides[d];
        }
        if (!Arrays.equals(outShape, y.shape())) {
            return c.fail(op, "output " + y.describe() + " is not " + x.describe() + " padded by "
                    + Arrays.toString(pads) + ", which is " + Arrays.toString(outShape));
        }
        byte value = (byte) Checks.zeroPoint(y);
        if (v2) {
            TensorDef cv = c.input(op, 2);
            if (!cv.isConstant() || cv.elementCount() != 1) {
                return c.fail(op, "constant_values " + cv.describe() + " must be one constant level");
            }
            if (!c.int8Operand(op, cv) || !c.sameQuantization(op, cv, y)) {
                return null;
            }
            value = cv.data()[0];
        }
        StridedCopy interior = new StridedCopy(x.shape(), 0, StridedCopy.strides(x.shape()), base, dstStrides);
        return new PadKernel(op.input(0), op.output(0), value, interior);
    }

    @Override
    public void run(Object[] slots) {
        byte[] y = (byte[]) slots[out];
        Arrays.fill(y, value);
        interior.run((byte[]) slots[in], y);
    }
}
