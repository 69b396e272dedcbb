package io.flatline.deploy.demo;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.flatline.simulator.cli.Durations;
import io.flatline.simulator.fleet.Fault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flatline demo}: the whole stack on this machine, with a simulated fleet that has every fault. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the local stack: an embedded Kafka broker, a simulated fleet of Modbus boards with"
                + " healthy and faulty ones, ingest and streams, and a live view of each board's label, its"
                + " agreement with the reference, and the alerts with their diagnosis.",
            "Within a minute every faulty board is flagged with the right diagnosis. Ctrl-C stops it cleanly."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", paramLabel = "PORT",
            description = "The broker's port on localhost (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the broker's data and the state stores here (default: a temporary directory,"
                    + " deleted on exit).")
    Path dataDir;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop after this long (e.g. 90s, 5m); default: run until Ctrl-C.")
    String duration;

    @Option(names = "--boards", defaultValue = "9", paramLabel = "N",
            description = "Simulated boards (default: ${DEFAULT-VALUE}); the first ones get the faults.")
    int boards;

    @Option(names = "--faults", split = ",", paramLabel = "FAULT",
            defaultValue = "npu-stuck,preprocessing-mismatch,saturated-model,sensor-stale,intermittent",
            description = "Faults to put on boards, one board each (default: ${DEFAULT-VALUE}).")
    List<String> faults;

    @Option(names = "--http", defaultValue = "127.0.0.1:8088", paramLabel = "HOST:PORT",
            description = "Where the fleet's HTTP API listens (default: ${DEFAULT-VALUE}); 'none' turns it off.")
    String http;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the simulated signals (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Fault> chosen = faults.stream().map(String::strip).filter(f -> !f.isEmpty()).map(Fault::ofLabel).toList();
        if (boards < chosen.size()) {
            throw new IllegalArgumentException("--boards " + boards + " is fewer than the " + chosen.size()
                    + " faults to show; use --boards " + (chosen.size() + 1) + " or more");
        }
        Optional<Duration> limit = Optional.ofNullable(duration).map(Durations::parse);
        boolean live = System.console() != null && !Boolean.getBoolean("flatline.demo.plain");
        CountDownLatch stop = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                main.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        DemoStack.Options options = new DemoStack.Options(kafkaPort, Optional.ofNullable(dataDir), boards, chosen, seed,
                io.flatline.streams.cli.StreamsCommand.httpAddress(http));
        Path logFile = dataDir != null ? Files.createDirectories(dataDir).resolve("flatline-demo.log")
                : Files.createTempFile("flatline-demo-", ".log");
        Optional<DemoLog> log = DemoLog.to(logFile);
        log.ifPresent(l -> say(out, "flatline demo: log lines (Kafka's, the services') go to " + logFile));
        try (DemoStack stack = DemoStack.start(options, line -> say(out, "flatline demo: " + line),
                line -> {
                    if (!live) {
                        say(out, line);
                    }
                })) {
            String pages = pages(stack.pageUrls());
            say(out, "flatline demo: running — Kafka on " + stack.bootstrapServers() + pages
                    + "; try 'flatline tail alerts' in another terminal. Ctrl-C stops.");
            Instant started = Instant.now();
            Instant lastTable = Instant.EPOCH;
            Instant lastMeasured = Instant.EPOCH;
            TerminalScreen.Size screen = new TerminalScreen.Size(Integer.MAX_VALUE, 160);
            while (!stop.await(1, TimeUnit.SECONDS)) {
                Instant now = Instant.now();
                if (live) {
                    if (Duration.between(lastMeasured, now).toSeconds() >= 5) {
                        screen = TerminalScreen.size();
                        lastMeasured = now;
                    }
                    // The pages first: the view's tail is what a short terminal leaves out.
                    out.print(TerminalScreen.redraw((pages.isEmpty() ? "" : pages.substring(2) + "\n")
                            + stack.view().render(now, screen.columns()), screen.rows()));
                    out.flush();
                } else if (Duration.between(lastTable, now).toSeconds() >= 15) {
                    say(out, stack.view().render(now, screen.columns()));
                    lastTable = now;
                }
                if (limit.isPresent() && Duration.between(started, now).compareTo(limit.get()) >= 0) {
                    break;
                }
            }
            say(out, "flatline demo: stopping");
            if (!live) {
                say(out, stack.view().render(Instant.now(), screen.columns()));
            }
        } finally {
            log.ifPresent(DemoLog::close);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is what is waiting for us.
            }
        }
        say(out, "flatline demo: stopped");
        return 0;
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    /** ", fleet page on URL" for the main fleet, and the other applications' pages after it. */
    private static String pages(List<String> urls) {
        return urls.isEmpty() ? "" : ", fleet page on " + String.join(", ", urls);
    }
}
