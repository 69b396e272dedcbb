package io.flatline.model.tflite;

import io.flatline.model.tflite.FlatBufferReader.Table;
import io.flatline.model.tflite.FlatBufferReader.Vector;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code .tflite} flatbuffer (schema "TFL3") into a {@link TfliteModel}.
 *
 * <p>Limits keep a hostile file from making the process allocate without bound: the reader never
 * allocates more than the file's own size for tensor data, and shapes whose element count exceeds
 * {@link #MAX_ELEMENTS} are refused before anything is allocated for them.
 */
public final class TfliteReader {
    /** The largest tensor the engine will allocate: far above any microcontroller model. */
    public static final long MAX_ELEMENTS = 1L << 24;
    public static final int MAX_RANK = 6;

    private TfliteReader() {}

    public static TfliteModel read(byte[] bytes) throws ModelFormatException {
        FlatBufferReader fb = new FlatBufferReader(bytes);
        Table model = fb.root("TFL3");
        int version = model.i32(0, "version", 0);
        String description = model.string(3, "description");

        Vector codes = model.vector(1, "operator_codes", 4);
        Vector subgraphs = model.vector(2, "subgraphs", 4);
        Vector buffers = model.vector(4, "buffers", 4);
        if (subgraphs == null || subgraphs.count == 0) {
            throw new ModelFormatException("the model has no subgraph");
        }
        Table graph = subgraphs.table(0);
        Vector tensorVec = graph.vector(0, "tensors", 4);
        int tensorCount = tensorVec == null ? 0 : tensorVec.count;

        List<TensorDef> tensors = new ArrayList<>(tensorCount);
        for (int i = 0; i < tensorCount; i++) {
            tensors.add(readTensor(fb, tensorVec.table(i), i, buffers));
        }

        Vector opVec = graph.vector(3, "operators", 4);
        List<OperatorDef> operators = new ArrayList<>();
        for (int i = 0; opVec != null && i < opVec.count; i++) {
            operators.add(readOperator(opVec.table(i), i, codes, tensorCount));
        }
        int[] inputs = indices(graph.vector(1, "subgraph inputs", 4), tensorCount, "subgraph inputs", false);
        int[] outputs = indices(graph.vector(2, "subgraph outputs", 4), tensorCount, "subgraph outputs", false);
        return new TfliteModel(version, description == null ? "" : description, tensors, operators, inputs, outputs);
    }

    private static TensorDef readTensor(FlatBufferReader fb, Table t, int index, Vector buffers)
            throws ModelFormatException {
        String name = t.string(3, "name");
        name = name == null ? "" : name;
        String what = "tensor #" + index + " \"" + name + "\"";
        Vector shapeVec = t.vector(0, "shape", 4);
        int[] shape = shapeVec == null ? new int[0] : shapeVec.ints();
        if (shape.length > MAX_RANK) {
            throw new ModelFormatException(
                    what + " has rank " + shape.length + "; at most " + MAX_RANK + " is supported");
        }
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ModelFormatException(what + " has a dynamic or negative dimension " + d
                        + "; the engine needs static shapes");
            }
            elements *= d;
            if (elements > MAX_ELEMENTS) {
                throw new ModelFormatException(what + " has more than " + MAX_ELEMENTS + " elements");
            }
        }
        int typeCode = t.u8(1, "type", 0);
        TensorType type = TensorType.of((byte) typeCode);
        Quantization q = readQuantization(t.table(4, "quantization"), what);

        byte[] data = null;
        long bufferIndex = t.i32(2, "buffer", 0) & 0xffffffffL;
        if (bufferIndex != 0) {
            if (buffers == null || bufferIndex >= buffers.count) {
                throw new ModelFormatException(what + " refers to buffer " + bufferIndex + ", but the model has "
                        + (buffers == null ? 0 : buffers.count) + " buffers");
            }
            data = readBuffer(fb, buffers.table((int) bufferIndex), what);
            if (data != null && type.bytes() > 0 && data.length != elements * type.bytes()) {
                throw new ModelFormatException(what + " holds " + data.length
                        + " bytes of data, but its shape and type "
                        + type + " need " + elements * type.bytes());
            }
        }
        return new TensorDef(index, name, shape, type, q, data, t.u8(5, "is_variable", 0) != 0);
    }

    private static byte[] readBuffer(FlatBufferReader fb, Table b, String what) throws ModelFormatException {
        Vector v = b.vector(0, "data", 1);
        if (v != null && v.count > 0) {
            return v.bytes();
        }
        long offset = b.i64(1, "offset", 0);
        long size = b.i64(2, "size", 0);
        if (offset > 1 && size > 0) {
            return fb.slice(offset, size, what + " external data");
        }
        return null;
    }

    private static Quantization readQuantization(Table q, String what) throws ModelFormatException {
        if (q == null) {
            return Quantization.NONE;
        }
        if (q.u8(4, "details_type", 0) != 0) {
            throw new ModelFormatException(what + " uses custom quantization details; only affine scale/zero point "
                    + "quantization is supported");
        }
        Vector s = q.vector(2, "scale", 4);
        Vector z = q.vector(3, "zero_point", 8);
        int n = s == null ? 0 : s.count;
        float[] scales = new float[n];
        for (int i = 0; i < n; i++) {
            scales[i] = s.f32(i);
        }
        long[] zps = new long[z == null ? 0 : z.count];
        for (int i = 0; i < zps.length; i++) {
            zps[i] = z.i64(i);
        }
        return new Quantization(scales, zps, q.i32(6, "quantized_dimension", 0));
    }

    private static OperatorDef readOperator(Table op, int index, Vector codes, int tensorCount)
            throws ModelFormatException {
        String what = "operator #" + index;
        long opcodeIndex = op.i32(0, "opcode_index", 0) & 0xffffffffL;
        if (codes == null || opcodeIndex >= codes.count) {
            throw new ModelFormatException(what + " refers to operator code " + opcodeIndex + ", but the model has "
                    + (codes == null ? 0 : codes.count));
        }
        Table code = codes.table((int) opcodeIndex);
        // Codes above 127 live only in the newer int field; older files only fill the byte.
        int builtin = Math.max(code.i32(3, "builtin_code", 0), (byte) code.u8(0, "deprecated_builtin_code", 0));
        String custom = code.string(1, "custom_code");
        BuiltinOperator kind = custom != null && builtin == 32 ? BuiltinOperator.UNKNOWN : BuiltinOperator.of(builtin);
        int[] inputs = indices(op.vector(1, "inputs", 4), tensorCount, what + " inputs", true);
        int[] outputs = indices(op.vector(2, "outputs", 4), tensorCount, what + " outputs", false);
        Options options = readOptions(kind, op.u8(3, "builtin_options_type", 0), op.table(4, "builtin_options"), what);
        return new OperatorDef(index, kind, builtin, custom, inputs, outputs, options);
    }

    private static int[] indices(Vector v, int tensorCount, String what, boolean optionalAllowed)
            throws ModelFormatException {
        int[] out = v == null ? new int[0] : v.ints();
        for (int i : out) {
            if (i >= tensorCount || i < (optionalAllowed ? -1 : 0)) {
                throw new ModelFormatException(what + " refer to tensor " + i + ", but the graph has " + tensorCount);
            }
        }
        return out;
    }

    private static Options readOptions(BuiltinOperator kind, int type, Table t, String what)
            throws ModelFormatException {
        int expected = kind.optionsType();
        // These options tables have no fields: nothing to read, and their tag is not checked.
        if (expected == 0 || expected == Options.EXPAND_DIMS || expected == Options.QUANTIZE
                || expected == Options.DEQUANTIZE || expected == Options.PAD || expected == Options.PADV2
                || expected == Options.TRANSPOSE) {
            return new Options.None();
        }
        if (t != null && type != expected) {
            throw new ModelFormatException(what + " (" + kind + ") carries options of type " + type + ", expected "
                    + expected);
        }
        // Tables whose every field has a usable default may be left out.
        boolean optional = switch (kind) {
            case RESHAPE, MEAN, SQUEEZE, ADD, MUL, STRIDED_SLICE -> true;
            default -> false;
        };
        if (t == null && !optional) {
            throw new ModelFormatException(what + " (" + kind + ") has no options table");
        }
        return switch (kind) {
            case CONV_2D -> new Options.Conv(padding(t), t.i32(1, "stride_w", 0), t.i32(2, "stride_h", 0),
                    Options.Activation.of(t.u8(3, "fused_activation_function", 0)), t.i32(4, "dilation_w_factor", 1),
                    t.i32(5, "dilation_h_factor", 1));
            case DEPTHWISE_CONV_2D -> new Options.Depthwise(padding(t), t.i32(1, "stride_w", 0),
                    t.i32(2, "stride_h", 0), t.i32(3, "depth_multiplier", 0),
                    Options.Activation.of(t.u8(4, "fused_activation_function", 0)), t.i32(5, "dilation_w_factor", 1),
                    t.i32(6, "dilation_h_factor", 1));
            case AVERAGE_POOL_2D, MAX_POOL_2D -> new Options.Pool(padding(t), t.i32(1, "stride_w", 0),
                    t.i32(2, "stride_h", 0), t.i32(3, "filter_width", 0), t.i32(4, "filter_height", 0),
                    Options.Activation.of(t.u8(5, "fused_activation_function", 0)));
            case FULLY_CONNECTED -> new Options.FullyConnected(
                    Options.Activation.of(t.u8(0, "fused_activation_function", 0)), t.u8(1, "weights_format", 0),
                    t.u8(2, "keep_num_dims", 0) != 0);
            case SOFTMAX -> new Options.Softmax(t.f32(0, "beta", 0f));
            case ADD -> new Options.Add(
                    t == null
                            ? Options.Activation.NONE
                            : Options.Activation.of(t.u8(0, "fused_activation_function", 0)));
            case MUL -> new Options.Mul(
                    t == null
                            ? Options.Activation.NONE
                            : Options.Activation.of(t.u8(0, "fused_activation_function", 0)));
            case CONCATENATION -> new Options.Concatenation(t.i32(0, "axis", 0),
                    Options.Activation.of(t.u8(1, "fused_activation_function", 0)));
            case STRIDED_SLICE -> t == null
                    ? new Options.StridedSlice(0, 0, 0, 0, 0, false)
                    : new Options.StridedSlice(t.i32(0, "begin_mask", 0), t.i32(1, "end_mask", 0),
                            t.i32(2, "ellipsis_mask", 0), t.i32(3, "new_axis_mask", 0),
                            t.i32(4, "shrink_axis_mask", 0), t.u8(5, "offset", 0) != 0);
            case MEAN -> new Options.Reducer(t != null && t.u8(0, "keep_dims", 0) != 0);
            case RESHAPE -> {
                Vector v = t == null ? null : t.vector(0, "new_shape", 4);
                yield new Options.Reshape(v == null ? null : v.ints());
            }
            case SQUEEZE -> {
                Vector v = t == null ? null : t.vector(0, "squeeze_dims", 4);
                yield new Options.Squeeze(v == null ? new int[0] : v.ints());
            }
            default -> new Options.None();
        };
    }

    private static Options.Padding padding(Table t) throws ModelFormatException {
        int p = t.u8(0, "padding", 0);
        if (p > 1) {
            throw new ModelFormatException("unknown padding code " + p);
        }
        return Options.Padding.values()[p];
    }
}
