package io.flatline.model.tflite;

import io.flatline.model.tflite.FlatBufferWriter.Bytes;
import io.flatline.model.tflite.FlatBufferWriter.Floats;
import io.flatline.model.tflite.FlatBufferWriter.Ints;
import io.flatline.model.tflite.FlatBufferWriter.Longs;
import io.flatline.model.tflite.FlatBufferWriter.Str;
import io.flatline.model.tflite.FlatBufferWriter.Table;
import io.flatline.model.tflite.FlatBufferWriter.Tables;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link TfliteModel} as a valid {@code .tflite} file (schema version 3), so tests and demos
 * build their models in code instead of shipping binaries of unknown origin.
 */
public final class TfliteWriter {
    private TfliteWriter() {}

    public static byte[] write(TfliteModel model) {
        List<Table> buffers = new ArrayList<>();
        buffers.add(new Table()); // buffer 0: the empty sentinel that activations point to
        List<Table> tensors = new ArrayList<>();
        for (TensorDef t : model.tensors()) {
            Table tensor = new Table()
                    .set(0, new Ints(t.shape()))
                    .u8(1, t.type().code())
                    .set(3, new Str(t.name()));
            if (t.isConstant()) {
                tensor.i32(2, buffers.size());
                buffers.add(new Table().set(0, new Bytes(t.data(), 16)));
            }
            if (t.variable()) {
                tensor.u8(5, 1);
            }
            Quantization q = t.quantization();
            if (q.isPresent()) {
                tensor.set(4, new Table()
                        .set(2, new Floats(q.scales()))
                        .set(3, new Longs(q.zeroPoints()))
                        .i32(6, q.dimension()));
            }
            tensors.add(tensor);
        }

        List<Integer> codes = new ArrayList<>();
        List<Table> operators = new ArrayList<>();
        for (OperatorDef op : model.operators()) {
            int code = op.builtinCode();
            if (!codes.contains(code)) {
                codes.add(code);
            }
            Table t = new Table()
                    .i32(0, codes.indexOf(code))
                    .set(1, new Ints(op.inputs()))
                    .set(2, new Ints(op.outputs()));
            if (op.op().optionsType() != 0) {
                t.u8(3, op.op().optionsType()).set(4, options(op.options()));
            }
            operators.add(t);
        }
        List<Table> codeTables = new ArrayList<>();
        for (int code : codes) {
            codeTables.add(new Table().u8(0, Math.min(code, 127)).i32(2, 1).i32(3, code));
        }

        Table subgraph = new Table()
                .set(0, new Tables(tensors))
                .set(1, new Ints(model.inputs()))
                .set(2, new Ints(model.outputs()))
                .set(3, new Tables(operators))
                .set(4, new Str("main"));
        Table root = new Table()
                .i32(0, model.version())
                .set(1, new Tables(codeTables))
                .set(2, new Tables(List.of(subgraph)))
                .set(3, new Str(model.description()))
                .set(4, new Tables(buffers));
        return FlatBufferWriter.finish(root, "TFL3");
    }

    private static Table options(Options o) {
        if (o instanceof Options.Conv c) {
            return new Table().u8(0, c.padding().ordinal()).i32(1, c.strideW()).i32(2, c.strideH())
                    .u8(3, c.activation().ordinal()).i32(4, c.dilationW()).i32(5, c.dilationH());
        }
        if (o instanceof Options.Depthwise d) {
            return new Table().u8(0, d.padding().ordinal()).i32(1, d.strideW()).i32(2, d.strideH())
                    .i32(3, d.depthMultiplier()).u8(4, d.activation().ordinal()).i32(5, d.dilationW())
                    .i32(6, d.dilationH());
        }
        if (o instanceof Options.Pool p) {
            return new Table().u8(0, p.padding().ordinal()).i32(1, p.strideW()).i32(2, p.strideH())
                    .i32(3, p.filterW()).i32(4, p.filterH()).u8(5, p.activation().ordinal());
        }
        if (o instanceof Options.FullyConnected f) {
            return new Table().u8(0, f.activation().ordinal()).u8(1, f.weightsFormat()).u8(2, f.keepNumDims() ? 1 : 0);
        }
        if (o instanceof Options.Softmax s) {
            return new Table().f32(0, s.beta());
        }
        if (o instanceof Options.Add a) {
            return new Table().u8(0, a.activation().ordinal());
        }
        if (o instanceof Options.Mul m) {
            return new Table().u8(0, m.activation().ordinal());
        }
        if (o instanceof Options.Concatenation c) {
            return new Table().i32(0, c.axis()).u8(1, c.activation().ordinal());
        }
        if (o instanceof Options.StridedSlice s) {
            return new Table().i32(0, s.beginMask()).i32(1, s.endMask()).i32(2, s.ellipsisMask())
                    .i32(3, s.newAxisMask()).i32(4, s.shrinkAxisMask()).u8(5, s.offset() ? 1 : 0);
        }
        if (o instanceof Options.Reducer r) {
            return new Table().u8(0, r.keepDims() ? 1 : 0);
        }
        if (o instanceof Options.Reshape r) {
            return r.newShape() == null ? new Table() : new Table().set(0, new Ints(r.newShape()));
        }
        if (o instanceof Options.Squeeze s) {
            return new Table().set(0, new Ints(s.dims()));
        }
        return new Table();
    }
}
