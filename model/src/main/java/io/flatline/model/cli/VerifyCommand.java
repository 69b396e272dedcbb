package io.flatline.model.cli;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.verify.Metrics;
import io.flatline.model.verify.Verification;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flatline model verify}: a board's net_in/net_out dumps against the reference. Exit 0 when
 * every output is within the tolerance, 1 when not.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare a board's dumps of inputs and outputs with the reference run on the same inputs.")
class VerifyCommand extends ModelFileCommand {
    @Option(names = "--net-in", required = true, paramLabel = "IN.bin", description = "the board's input tensors")
    Path netIn;

    @Option(names = "--net-out", required = true, paramLabel = "OUT.bin", description = "the board's output tensors")
    Path netOut;

    @Option(names = "--kernels", defaultValue = "litert", paramLabel = "litert|tflm",
            converter = Cli.ArithmeticConverter.class,
            description = "the reference arithmetic (default: ${DEFAULT-VALUE})")
    Arithmetic arithmetic;

    @Option(names = "--tolerance", defaultValue = "1", paramLabel = "LSB",
            description = "largest difference that passes (default: ${DEFAULT-VALUE})")
    int tolerance;

    @Option(names = "--all", description = "list every inference, not only those that differ")
    boolean all;

    @Override
    int execute() throws Cli.Failure {
        if (tolerance < 0) {
            throw new Cli.Failure("--tolerance must be 0 or more, not " + tolerance);
        }
        Model model = Cli.load(modelFile);
        byte[] in = Cli.read(netIn, "--net-in");
        byte[] out = Cli.read(netOut, "--net-out");
        Verification v;
        try {
            v = Verification.of(model, arithmetic, in, out, tolerance);
        } catch (IllegalArgumentException e) {
            throw new Cli.Failure(e.getMessage());
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "reference: %s kernels, model id %s%n", arithmetic.cliName(), model.modelId());
        for (Verification.Row r : v.rows()) {
            if (all || !r.equal()) {
                w.printf(Locale.ROOT, "inference %d: %s board %s reference %s (top-1 %d vs %d)%n", r.index(),
                        r.equal() ? "equal" : "differs by " + r.maxAbsDiffLsb() + " LSB,",
                        Arrays.toString(r.board()), Arrays.toString(r.reference()), r.boardLabel(), r.referenceLabel());
            }
        }
        Metrics m = v.metrics();
        w.printf(Locale.ROOT, "summary: %d inferences, %d equal, max difference %d LSB, %d beyond the tolerance of "
                + "%d LSB%n", v.rows().size(), v.equalCount(), v.maxAbsDiffLsb(),
                v.rows().stream().filter(r -> r.maxAbsDiffLsb() > tolerance).count(), tolerance);
        w.printf(Locale.ROOT, "metrics (board vs reference, dequantized): ACC %.4f RMSE %.6g MAE %.6g L2R %.6g "
                + "MEAN %.6g STD %.6g NSE %.6g COS %.6g%n", m.acc(), m.rmse(), m.mae(), m.l2r(), m.mean(), m.std(),
                m.nse(), m.cos());
        w.printf(Locale.ROOT,
                "pattern: %d distinct inputs, %d distinct board outputs, %d distinct reference outputs%n",
                v.distinctInputs(), v.distinctBoardOutputs(), v.distinctReferenceOutputs());
        w.println("finding: " + v.finding());
        w.flush();
        return v.passed() ? Cli.OK : Cli.FAILED;
    }
}
