package io.flatline.model.verify;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.TensorInfo;
import io.flatline.model.tflite.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A board's dumps of inputs and outputs against the reference run on the same inputs: per
 * inference, whether the outputs are equal and by how many LSB they differ, the ST Edge AI metrics,
 * and what the pattern of the outputs points to.
 */
public record Verification(Arithmetic arithmetic, int tolerance, List<Row> rows, Metrics metrics,
        int distinctInputs, int distinctBoardOutputs, int distinctReferenceOutputs, String finding) {

    /** One inference: the board's and the reference's raw int8 outputs. */
    public record Row(int index, byte[] board, byte[] reference, int maxAbsDiffLsb, int boardLabel,
            int referenceLabel) {
        public boolean equal() {
            return maxAbsDiffLsb == 0;
        }
    }

    public Verification {
        rows = List.copyOf(rows);
    }

    /** True when every output is within the tolerance: what the command's exit code reports. */
    public boolean passed() {
        return rows.stream().allMatch(r -> r.maxAbsDiffLsb() <= tolerance);
    }

    public long equalCount() {
        return rows.stream().filter(Row::equal).count();
    }

    public int maxAbsDiffLsb() {
        return rows.stream().mapToInt(Row::maxAbsDiffLsb).max().orElse(0);
    }

    public static Verification of(Model model, Arithmetic arithmetic, byte[] netIn, byte[] netOut, int tolerance) {
        TensorInfo in = model.input();
        TensorInfo out = model.output();
        if (out.type() != TensorType.INT8) {
            throw new IllegalArgumentException("verify compares int8 outputs; this model's output is " + out.type()
                    + out.shape());
        }
        int inSize = in.byteSize();
        int outSize = out.byteSize();
        if (netIn.length % inSize != 0 || netOut.length % outSize != 0
                || netIn.length / inSize != netOut.length / outSize) {
            throw new IllegalArgumentException("the dumps do not pair up: " + netIn.length + " input bytes ("
                    + inSize + " per inference) and " + netOut.length + " output bytes ("
                    + outSize + " per inference)");
        }
        int n = netIn.length / inSize;
        Interpreter interpreter = model.newInterpreter(arithmetic);
        List<Row> rows = new ArrayList<>(n);
        double[][] ref = new double[n][];
        double[][] board = new double[n][];
        Set<String> inputs = new HashSet<>();
        Set<String> boardOutputs = new HashSet<>();
        Set<String> refOutputs = new HashSet<>();
        for (int i = 0; i < n; i++) {
            byte[] r = new byte[outSize];
            interpreter.run(netIn, i * inSize, r, 0);
            byte[] b = Arrays.copyOfRange(netOut, i * outSize, (i + 1) * outSize);
            int diff = 0;
            for (int j = 0; j < outSize; j++) {
                diff = Math.max(diff, Math.abs(r[j] - b[j]));
            }
            ref[i] = dequantize(r, out);
            board[i] = dequantize(b, out);
            rows.add(new Row(i, b, r, diff, Metrics.argmax(board[i]), Metrics.argmax(ref[i])));
            inputs.add(Arrays.toString(Arrays.copyOfRange(netIn, i * inSize, (i + 1) * inSize)));
            boardOutputs.add(Arrays.toString(b));
            refOutputs.add(Arrays.toString(r));
        }
        String finding = finding(n, inputs.size(), boardOutputs.size(), refOutputs.size(), rows, tolerance);
        return new Verification(arithmetic, tolerance, rows, Metrics.of(ref, board), inputs.size(), boardOutputs.size(),
                refOutputs.size(), finding);
    }

    private static double[] dequantize(byte[] levels, TensorInfo t) {
        double[] d = new double[levels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (levels[i] - t.zeroPoint()) * (double) t.scale();
        }
        return d;
    }

    private static String finding(int n, int inputs, int boardOutputs, int refOutputs, List<Row> rows, int tolerance) {
        if (n == 0) {
            return "no inferences in the dumps";
        }
        boolean boardConstant = n > 1 && boardOutputs == 1;
        boolean refConstant = n > 1 && refOutputs == 1;
        if (boardConstant && inputs > 1 && refConstant) {
            return "MODEL_SATURATION: the board's output is constant while its " + inputs + " inputs vary, and the "
                    + "reference is constant on them too: the model itself flattens these inputs "
                    + "(see model run --trace)";
        }
        if (boardConstant && inputs > 1) {
            return "BOARD_RUNTIME: the board's output is constant while its " + inputs + " inputs vary, but the "
                    + "reference gives " + refOutputs + " different outputs: the board's runtime, not the model";
        }
        if (boardConstant) {
            return "the inputs do not vary, so a constant output proves nothing (SENSOR_STALE?)";
        }
        long over = rows.stream().filter(r -> r.maxAbsDiffLsb() > tolerance).count();
        if (over == 0) {
            return "the board agrees with the reference within " + tolerance + " LSB";
        }
        return "BOARD_DIVERGENCE: " + over + " of " + n + " outputs differ from the reference by more than " + tolerance
                + " LSB";
    }
}
