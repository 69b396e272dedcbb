package io.flatline.model.engine;

import io.flatline.model.arith.ActivationTable;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.TensorDef;

/**
 * LOGISTIC and TANH on int8: one table lookup per element, the table built once by the arithmetic
 * ({@link ActivationTable}). The output quantization is fixed by the operator (1/256 and −128 for
 * LOGISTIC, 1/128 and 0 for TANH), as TFLite's converter writes it and both runtimes require.
 */
final class LookupKernel implements Kernel {
    private final int in;
    private final int out;
    private final byte[] table;

    private LookupKernel(int in, int out, byte[] table) {
        this.in = in;
        this.out = out;
        this.table = table;
    }

    static Kernel prepare(OperatorDef op, Checks c) {
        if (!c.arity(op, 1, 1, 1)) {
            return null;
        }
        TensorDef x = c.input(op, 0);
        TensorDef y = c.output(op);
        if (!c.int8Activation(op, x) || !c.int8Activation(op, y)) {
            return null;
        }
        if (x.elementCount() != y.elementCount()) {
            return c.fail(op, y.describe() + " does not have the " + x.elementCount() + " elements of " + x.describe());
        }
        boolean logistic = op.op() == BuiltinOperator.LOGISTIC;
        float scale = logistic ? ActivationTable.LOGISTIC_SCALE : ActivationTable.TANH_SCALE;
        int zeroPoint = logistic ? ActivationTable.LOGISTIC_ZERO_POINT : ActivationTable.TANH_ZERO_POINT;
        if (Checks.scale(y) != scale || Checks.zeroPoint(y) != zeroPoint) {
            return c.fail(op, "output " + y.describe() + " has " + y.quantization() + "; int8 " + op.opName()
                    + " requires scale 1/" + (int) (1 / scale) + " and zero point " + zeroPoint);
        }
        byte[] table = logistic
                ? ActivationTable.logistic(c.arithmetic(), Checks.scale(x), Checks.zeroPoint(x))
                : ActivationTable.tanh(c.arithmetic(), Checks.scale(x), Checks.zeroPoint(x));
        return new LookupKernel(op.input(0), op.output(0), table);
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        for (int i = 0; i < y.length; i++) {
            y[i] = table[x[i] + 128];
        }
    }
}
