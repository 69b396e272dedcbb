package io.flatline.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.SeedModels;
import io.flatline.model.tflite.TfliteModel;
import io.flatline.model.tflite.TfliteWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The three subcommands as a user calls them, on a model written by the fixture writer. */
class ModelCommandTest {
    @TempDir
    Path dir;

    private Path modelFile;
    private Model model;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeModel() throws Exception {
        byte[] bytes = SeedModels.bytes(SeedModels.Spec.fieldReport(42));
        modelFile = Files.write(dir.resolve("seed.tflite"), bytes);
        model = Model.load(bytes);
    }

    private int execute(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private int execute(String... args) {
        return execute(new ModelCommand(), args);
    }

    private byte[] inputs(int n, long seed) {
        byte[] in = new byte[n * 500];
        new Random(seed).nextBytes(in);
        return in;
    }

    @Test
    void inspectShowsTensorsOperatorsAndThatItRuns() {
        assertThat(execute("inspect", modelFile.toString())).isEqualTo(0);
        assertThat(out.toString())
                .contains("model id  " + model.modelId())
                .contains("input     #0 serving_default_input:0 INT8[1, 50, 10]")
                .contains("CONV_2D").contains("MEAN").contains("SOFTMAX")
                .contains("8 channels on axis 0")
                .contains("runnable  yes");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void inspectNamesWhatItCannotRun() throws Exception {
        TfliteModel m = SeedModels.build(SeedModels.Spec.fieldReport(42));
        List<OperatorDef> ops = new ArrayList<>(m.operators());
        OperatorDef mean = ops.get(3);
        ops.set(3, new OperatorDef(3, BuiltinOperator.UNKNOWN, 36, null, mean.inputs(), mean.outputs(),
                mean.options()));
        Path bad = Files.write(dir.resolve("gather.tflite"), TfliteWriter.write(
                new TfliteModel(3, "", m.tensors(), ops, m.inputs(), m.outputs())));
        assertThat(execute("inspect", bad.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("runnable  no").contains("operator #3 GATHER is not supported");
        assertThat(execute("run", bad.toString(), "--input", modelFile.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot be run").contains("GATHER").contains("Supported:");
    }

    @Test
    void garbageFileIsOneLineOnStderr() throws Exception {
        Path junk = Files.write(dir.resolve("junk.tflite"), "definitely not a model".getBytes());
        assertThat(execute("inspect", junk.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("not a TFLite model")
                .doesNotContain("Exception");
        assertThat(execute("inspect", dir.resolve("missing.tflite").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("does not exist");
    }

    @Test
    void runWritesRawOutputsBackToBack() throws Exception {
        byte[] in = inputs(3, 1);
        Path inFile = Files.write(dir.resolve("in.bin"), in);
        Path outFile = dir.resolve("out.bin");
        for (Arithmetic a : Arithmetic.values()) {
            assertThat(execute("run", modelFile.toString(), "--input", inFile.toString(),
                    "--output", outFile.toString(),
                    "--kernels", a.cliName())).isEqualTo(0);
            byte[] expected = new byte[15];
            for (int i = 0; i < 3; i++) {
                System.arraycopy(model.run(Arrays.copyOfRange(in, i * 500, i * 500 + 500), a), 0, expected, i * 5, 5);
            }
            assertThat(Files.readAllBytes(outFile)).isEqualTo(expected);
        }
    }

    @Test
    void runWritesToStdoutWithoutOutputFile() throws Exception {
        byte[] in = inputs(2, 2);
        Path inFile = Files.write(dir.resolve("in.bin"), in);
        RunCommand run = new RunCommand();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        run.stdout = new PrintStream(captured);
        assertThat(execute(run, modelFile.toString(), "--input", inFile.toString())).isEqualTo(0);
        assertThat(captured.toByteArray()).hasSize(10)
                .startsWith(model.run(Arrays.copyOf(in, 500), Arithmetic.LITERT));
    }

    @Test
    void runJsonWithTraceDescribesEveryLayer() throws Exception {
        Path inFile = Files.write(dir.resolve("in.bin"), inputs(2, 3));
        assertThat(execute("run", modelFile.toString(), "--input", inFile.toString(), "--json", "--trace"))
                .isEqualTo(0);
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("{\"index\":0,\"kernels\":\"litert\",\"output\":[")
                .contains("\"label\":").contains("\"trace\":[").contains("\"op\":\"CONV_2D\"")
                .contains("\"fractionZero\":");
    }

    @Test
    void runRefusesAnInputOfTheWrongSize() throws Exception {
        Path inFile = Files.write(dir.resolve("in.bin"), new byte[499]);
        assertThat(execute("run", modelFile.toString(), "--input", inFile.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("499 bytes, not a multiple of the model's 500-byte input INT8[1, 50, 10]");
    }

    @Test
    void verifyPassesABoardThatMatchesAndFailsOneThatIsStuck() throws Exception {
        byte[] in = inputs(20, 4);
        byte[] reference = new byte[100];
        for (int i = 0; i < 20; i++) {
            System.arraycopy(model.run(Arrays.copyOfRange(in, i * 500, i * 500 + 500), Arithmetic.LITERT), 0, reference,
                    i * 5, 5);
        }
        Path inFile = Files.write(dir.resolve("net_in.bin"), in);
        Path good = Files.write(dir.resolve("good.bin"), reference);
        assertThat(execute("verify", modelFile.toString(), "--net-in", inFile.toString(), "--net-out", good.toString()))
                .isEqualTo(0);
        assertThat(out.toString()).contains("20 inferences, 20 equal").contains("ACC 1.0000").contains("COS 1")
                .contains("agrees with the reference");

        byte[] stuck = new byte[100];
        for (int i = 0; i < 20; i++) {
            System.arraycopy(reference, 0, stuck, i * 5, 5);
        }
        Path bad = Files.write(dir.resolve("stuck.bin"), stuck);
        out.getBuffer().setLength(0);
        assertThat(execute("verify", modelFile.toString(), "--net-in", inFile.toString(), "--net-out", bad.toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("finding: BOARD_RUNTIME").contains("1 distinct board outputs");
    }

    @Test
    void verifyToleranceCountsLsb() throws Exception {
        byte[] in = inputs(4, 5);
        byte[] board = new byte[20];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(model.run(Arrays.copyOfRange(in, i * 500, i * 500 + 500), Arithmetic.LITERT), 0, board,
                    i * 5, 5);
        }
        board[7] += board[7] == 127 ? -1 : 1;
        Path inFile = Files.write(dir.resolve("net_in.bin"), in);
        Path outFile = Files.write(dir.resolve("net_out.bin"), board);
        assertThat(execute("verify", modelFile.toString(), "--net-in", inFile.toString(), "--net-out",
                outFile.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("inference 1: differs by 1 LSB");
        assertThat(execute("verify", modelFile.toString(), "--net-in", inFile.toString(), "--net-out",
                outFile.toString(), "--tolerance", "0")).isEqualTo(1);
        assertThat(out.toString()).contains("BOARD_DIVERGENCE: 1 of 4");
    }

    @Test
    void verifyPointsToTheModelWhenTheReferenceIsStuckToo() throws Exception {
        // One-LSB changes to one sensor: the inputs differ, the model's output does not move.
        byte[] in = new byte[10 * 500];
        Arrays.fill(in, (byte) -6);
        for (int i = 0; i < 10; i++) {
            in[i * 500 + 7 * 10 + 3] += (byte) (i % 2 == 0 ? 1 : -1) * (1 + i / 2);
        }
        byte[] first = model.run(Arrays.copyOf(in, 500), Arithmetic.LITERT);
        byte[] board = new byte[50];
        for (int i = 0; i < 10; i++) {
            System.arraycopy(first, 0, board, i * 5, 5);
        }
        Path inFile = Files.write(dir.resolve("net_in.bin"), in);
        Path outFile = Files.write(dir.resolve("net_out.bin"), board);
        assertThat(execute("verify", modelFile.toString(), "--net-in", inFile.toString(), "--net-out",
                outFile.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("10 distinct inputs").contains("finding: MODEL_SATURATION");
    }

    @Test
    void withoutSubcommandPrintsUsage() {
        assertThat(execute()).isEqualTo(2);
        assertThat(err.toString()).contains("inspect").contains("run").contains("verify");
    }
}
