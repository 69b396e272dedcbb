package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * What an operator's preparation checks, each check noting what is wrong (naming the operator and the
 * tensor) in the compilation's list of problems and answering false or null, so that a kernel's
 * {@code prepare} reads as a list of conditions, as TFLite Micro's Prepare functions do.
 */
final class Checks {
    private final TfliteModel model;
    private final Arithmetic arithmetic;
    private final List<String> problems;

    Checks(TfliteModel model, Arithmetic arithmetic, List<String> problems) {
        this.model = model;
        this.arithmetic = arithmetic;
        this.problems = problems;
    }

    Arithmetic arithmetic() {
        return arithmetic;
    }

    TensorDef input(OperatorDef op, int i) {
        return model.tensor(op.input(i));
    }

    TensorDef output(OperatorDef op) {
        return model.tensor(op.output(0));
    }

    static String where(OperatorDef op) {
        return "operator #" + op.index() + " " + op.opName();
    }

    /** Notes {@code what} against the operator; null, for a prepare that gives up. */
    <T> T fail(OperatorDef op, String what) {
        problems.add(where(op) + ": " + what);
        return null;
    }

    /** Notes {@code what} against the operator; false, for a check that failed. */
    boolean refuse(OperatorDef op, String what) {
        problems.add(where(op) + ": " + what);
        return false;
    }

    boolean arity(OperatorDef op, int minIn, int maxIn, int outs) {
        if (op.inputCount() < minIn || op.inputCount() > maxIn || op.outputCount() != outs) {
            problems.add(where(op) + " has " + op.inputCount() + " inputs and " + op.outputCount() + " outputs");
            return false;
        }
        for (int i = 0; i < minIn; i++) {
            if (op.input(i) < 0) {
                problems.add(where(op) + " lacks its required input " + i);
                return false;
            }
        }
        return true;
    }

    boolean int8Activation(OperatorDef op, TensorDef t) {
        if (t.type() != TensorType.INT8) {
            return refuse(op, t.describe() + " has type " + t.type() + "; only INT8 is supported here");
        }
        if (!t.quantization().isPresent() || t.quantization().isPerChannel()) {
            return refuse(op, t.describe() + " needs one scale and zero point (per-tensor quantization)");
        }
        if (t.isConstant()) {
            return refuse(op, "constant " + t.describe() + " as an activation is not supported");
        }
        return true;
    }

    /** An int8 per-tensor operand that may also be a constant (ADD's and MUL's second input, say). */
    boolean int8Operand(OperatorDef op, TensorDef t) {
        if (t.type() != TensorType.INT8 || !t.quantization().isPresent() || t.quantization().isPerChannel()) {
            return refuse(op, t.describe() + " must be INT8 with per-tensor quantization");
        }
        return true;
    }

    boolean rank(OperatorDef op, TensorDef t, int rank) {
        if (t.rank() != rank) {
            return refuse(op, t.describe() + " has rank " + t.rank() + ", expected " + rank);
        }
        return true;
    }

    /** Operators that only move levels (PAD, TRANSPOSE, ...) need the output to mean what the input means. */
    boolean sameQuantization(OperatorDef op, TensorDef in, TensorDef out) {
        if (!in.quantization().equals(out.quantization())) {
            return refuse(op, in.describe() + " has " + in.quantization() + " and " + out.describe() + " has "
                    + out.quantization() + "; this operator moves levels and needs them equal");
        }
        return true;
    }

    /**
     * What PAD, TRANSPOSE and STRIDED_SLICE ask first: {@code inputs} inputs, one output, and an int8
     * activation in and out with one quantization.
     */
    boolean movesLevels(OperatorDef op, int inputs) {
        return arity(op, inputs, inputs, 1) && int8Activation(op, input(op, 0)) && int8Activation(op, output(op))
                && sameQuantization(op, input(op, 0), output(op));
    }

    boolean activationSupported(OperatorDef op, Options.Activation a) {
        if (a == Options.Activation.TANH || a == Options.Activation.SIGN_BIT) {
            return refuse(op, "fused activation " + a + " is not supported (NONE, RELU, RELU_N1_TO_1, RELU6 are)");
        }
        return true;
    }

    /** A constant INT32 (or INT64, as PAD's paddings may be) tensor's values; null when it is not one. */
    int[] constantInts(OperatorDef op, TensorDef t, String what) {
        if (!t.isConstant() || (t.type() != TensorType.INT32 && t.type() != TensorType.INT64)) {
            return fail(op, what + " " + t.describe() + " must be a constant INT32 or INT64 tensor");
        }
        ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        int[] r = new int[(int) t.elementCount()];
        for (int i = 0; i < r.length; i++) {
            long v = t.type() == TensorType.INT32 ? b.getInt() : b.getLong();
            if (v != (int) v) {
                return fail(op, what + " " + t.describe() + " holds " + v + ", beyond any tensor's size");
            }
            r[i] = (int) v;
        }
        return r;
    }

    static float scale(TensorDef t) {
        return t.quantization().scale(0);
    }

    static int zeroPoint(TensorDef t) {
        return t.quantization().zeroPoint(0);
    }

    /** The int8 levels the fused activation keeps, as this arithmetic rounds its bounds. */
    int[] range(Options.Activation a, TensorDef out) {
        return arithmetic.activationRange(a, scale(out), zeroPoint(out), Byte.MIN_VALUE, Byte.MAX_VALUE);
    }
}
