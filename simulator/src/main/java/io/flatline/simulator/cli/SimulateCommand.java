package io.flatline.simulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.flatline.simulator.fleet.BoardModel;
import io.flatline.simulator.fleet.BoardSpec;
import io.flatline.simulator.fleet.Fault;
import io.flatline.simulator.fleet.FleetSimulator;
import io.flatline.simulator.fleet.VirtualBoard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flatline simulate}: a fleet of simulated Modbus TCP boards, alone, for running ingest against. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run a simulated fleet of sensor boards, each a Modbus TCP slave on 127.0.0.1 with 10 sensor"
                + " channels and its own int8 inference, and write the device map that points ingest at them."
                + " Runs until Ctrl-C.")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--boards", paramLabel = "N", defaultValue = "6", description = "How many boards (default ${DEFAULT-VALUE}).")
    int boards;

    @Option(names = "--faults", paramLabel = "FAULT", split = ",",
            description = "Faults of the first boards, in order; the rest are healthy. One of: npu-stuck,"
                    + " preprocessing-mismatch, saturated-model, sensor-stale, intermittent, healthy.")
    List<String> faults = new ArrayList<>();

    @Option(names = "--base-port", paramLabel = "P", defaultValue = "0",
            description = "Board i listens on P+i-1; 0 (the default) takes free ports.")
    int basePort;

    @Option(names = "--config", paramLabel = "MODEL_CONFIG",
            description = "The model config (streams' YAML) of what the boards run; default: the demo model.")
    Path config;

    @Option(names = "--model", paramLabel = "FILE",
            description = "A .tflite file the boards run instead of the one --config names.")
    Path model;

    @Option(names = "--saturated-config", paramLabel = "MODEL_CONFIG",
            description = "The model config of saturated-model boards; default: the demo's saturated model.")
    Path saturatedConfig;

    @Option(names = "--device-map-out", paramLabel = "FILE", defaultValue = "simulated-devices.yaml",
            description = "Where to write the device map for ingest (default ${DEFAULT-VALUE}).")
    Path deviceMapOut;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "100ms",
            description = "The poll interval written in the device map (default ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Seeds every board's signals.")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Counted down to stop (tests, or the shutdown hook). */
    final CountDownLatch stop = new CountDownLatch(1);
    /** Counted down once the fleet serves and the device map is written. */
    final CountDownLatch ready = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Fault> faultList = faults.stream().map(Fault::ofLabel).toList();
        Duration pollInterval = Durations.parse(interval);
        Path work = Files.createTempDirectory("flatline-simulate-");
        PrintWriter out = spec.commandLine().getOut();
        try {
            BoardModel.Defaults defaults = config == null && saturatedConfig == null && model == null
                    ? BoardModel.defaults(work) : null;
            BoardModel healthy = defaults != null ? defaults.model() : chosen(work);
            BoardModel saturated = saturatedConfig != null ? BoardModel.ofConfig(saturatedConfig)
                    : defaults != null ? defaults.saturated() : BoardModel.defaults(work).saturated();
            List<BoardSpec> specs = FleetSimulator.plan(boards, faultList, healthy, saturated, basePort, seed);
            try (FleetSimulator fleet = FleetSimulator.start(specs)) {
                Thread main = Thread.currentThread();
                Thread hook = new Thread(() -> {
                    stop.countDown();
                    try {
                        main.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "simulate-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    fleet.writeDeviceMap(deviceMapOut, pollInterval);
                    out.printf("Simulating %d boards running %s%n", boards,
                            defaults != null ? defaults.source() : healthy.name());
                    for (VirtualBoard board : fleet.boards()) {
                        out.printf("  %-10s 127.0.0.1:%-5d unit %d  %-22s %s%n", board.id(), board.port(),
                                VirtualBoard.UNIT_ID, board.fault().label(), board.spec().model().name());
                    }
                    out.printf("Device map for ingest: %s  (flatline ingest --devices %s)%n", deviceMapOut.toAbsolutePath(),
                            deviceMapOut);
                    out.println("Each read of register 0 takes a sample: poll every board from one ingest only. Ctrl-C stops.");
                    out.flush();
                    ready.countDown();
                    stop.await();
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting because of Ctrl-C: the hook is already running
                    }
                }
            }
            out.println("Simulation stopped.");
            out.flush();
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    /** The model the user named: --config, with --model replacing the file it names. */
    private BoardModel chosen(Path work) throws IOException {
        if (config == null) {
            if (model != null) {
                throw new IllegalArgumentException("--model needs --config: the config gives the boards' normalisation");
            }
            return BoardModel.defaults(work).model();
        }
        BoardModel fromConfig = BoardModel.ofConfig(config);
        if (model == null) {
            return fromConfig;
        }
        return new BoardModel(model.getFileName().toString(), Files.readAllBytes(model), fromConfig.normalization(),
                fromConfig.arithmetic());
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
