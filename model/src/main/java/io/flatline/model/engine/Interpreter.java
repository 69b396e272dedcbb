package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A model compiled for one arithmetic, with its own tensor storage: runs allocate nothing. Not
 * thread-safe; give each thread its own (see {@link Model#newInterpreter}).
 */
public final class Interpreter {
    private final TfliteModel graph;
    private final Arithmetic arithmetic;
    private final Kernel[] kernels;
    private final Object[] slots;
    private final int input;
    private final int output;

    Interpreter(TfliteModel graph, Arithmetic arithmetic) throws UnsupportedModelException {
        this.graph = graph;
        this.arithmetic = arithmetic;
        this.kernels = Compiler.compile(graph, arithmetic);
        this.slots = new Object[graph.tensors().size()];
        for (TensorDef t : graph.tensors()) {
            slots[t.index()] = storage(t);
        }
        this.input = graph.inputs()[0];
        this.output = graph.outputs()[0];
    }

    private static Object storage(TensorDef t) {
        int n = (int) t.elementCount();
        if (t.type() == TensorType.FLOAT32) {
            float[] f = new float[n];
            if (t.isConstant()) {
                ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            }
            return f;
        }
        if (t.type() == TensorType.INT8) {
            return t.isConstant() ? t.data().clone() : new byte[n];
        }
        return null;
    }

    Kernel[] kernels() {
        return kernels;
    }

    Object[] slots() {
        return slots;
    }

    TfliteModel graph() {
        return graph;
    }

    public Arithmetic arithmetic() {
        return arithmetic;
    }

    /**
     * Runs one inference. {@code in} and {@code out} hold one tensor each in the model's own input and
     * output types (int8 levels, or little-endian float32), at the offsets given.
     */
    public void run(byte[] in, int inOffset, byte[] out, int outOffset) {
        load(in, inOffset);
        for (Kernel k : kernels) {
            k.run(slots);
        }
        store(out, outOffset);
    }

    public byte[] run(byte[] in) {
        byte[] out = new byte[byteSize(output)];
        if (in.length != byteSize(input)) {
            throw new IllegalArgumentException("input has " + in.length + " bytes; the model's input "
                    + graph.tensor(input).describe() + " has " + byteSize(input));
        }
        run(in, 0, out, 0);
        return out;
    }

    private int byteSize(int tensor) {
        TensorDef t = graph.tensor(tensor);
        return (int) t.elementCount() * t.type().bytes();
    }

    private void load(byte[] in, int offset) {
        Object slot = slots[input];
        if (slot instanceof byte[] b) {
            System.arraycopy(in, offset, b, 0, b.length);
        } else {
            float[] f = (float[]) slot;
            ByteBuffer.wrap(in, offset, f.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        }
    }

    /** Copies the graph output, in its own type, into {@code out}. */
    void store(byte[] out, int offset) {
        Object slot = slots[output];
        if (slot instanceof byte[] b) {
            System.arraycopy(b, 0, out, offset, b.length);
        } else {
            float[] f = (float[]) slot;
            ByteBuffer.wrap(out, offset, f.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(f);
        }
    }

    /** Sees each tensor as a traced run produces it: int8 levels as byte[], float32 as float[]. */
    @FunctionalInterface
    public interface Observer {
        /** {@code operator} is -1 for the graph input. The storage is reused by later runs: copy it. */
        void tensor(int operator, int tensor, Object storage);
    }

    /** Runs one inference from raw input bytes, showing the input and every operator's output. */
    public void runObserved(byte[] in, Observer observer) {
        load(in, 0);
        observer.tensor(-1, input, slots[input]);
        for (int i = 0; i < kernels.length; i++) {
            kernels[i].run(slots);
            int out = graph.operators().get(i).output(0);
            observer.tensor(i, out, slots[out]);
        }
    }
}
