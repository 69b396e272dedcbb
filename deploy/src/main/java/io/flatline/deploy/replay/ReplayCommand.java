package io.flatline.deploy.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.flatline.deploy.options.PropertyOptions;
import io.flatline.schemas.topic.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flatline replay}: the topology over a past period, into its own topics, without touching the live one. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-run the topology over the input topics from a point in time, under its own application"
                + " id and into output topics named <live name>.<suffix>, and exit once it has caught up with what"
                + " existed at its start. The live application is not disturbed.",
            "Times are ISO-8601 instants (2026-11-24T08:00:00Z) or local date-times (2026-11-24T08:00)."})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The live model config (YAML).")
    Path config;

    @Option(names = "--from", required = true, paramLabel = "TIME", description = "Replay input records from here.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Leave out input records after this.")
    String to;

    @Option(names = "--model", paramLabel = "FILE", description = "Run this .tflite instead of the config's.")
    Path model;

    @Option(names = "--suffix", required = true, paramLabel = "NAME",
            description = "Names the replay: its application id and output topics end with it.")
    String suffix;

    @Mixin
    PropertyOptions kafka;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Replay.Request request = new Replay.Request(config, kafka.bootstrapServers, kafka.properties, time(from, "--from"),
                Optional.ofNullable(to).map(t -> time(t, "--to")), Optional.ofNullable(model), suffix);
        // On a terminal the bar redraws in place; in a log it appears at each tenth of the way.
        boolean terminal = System.console() != null;
        int[] lastTenth = {-1};
        Replay.Result result = Replay.run(request, p -> {
            int tenth = (int) (p.fraction() * 10);
            if (terminal) {
                err.print("\r" + bar(p));
            } else if (tenth != lastTenth[0]) {
                err.println(bar(p));
                lastTenth[0] = tenth;
            }
            err.flush();
        });
        if (terminal) {
            err.println();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "replay %s: %d input records re-run; results in%n", suffix, result.records());
        for (Topic<String, ?> t : java.util.List.of(result.outputs().predictions(), result.outputs().boardComparisons(),
                result.outputs().alerts(), result.outputs().deviceHealth())) {
            out.println("  " + t.name());
        }
        result.notes().forEach(note -> out.println("note: " + note));
        out.flush();
        return 0;
    }

    static String bar(Replay.Progress p) {
        int width = 30;
        int filled = (int) Math.round(p.fraction() * width);
        return String.format(Locale.ROOT, "replaying [%s%s] %3.0f%%  %,d / %,d records", "#".repeat(filled),
                ".".repeat(width - filled), 100 * p.fraction(), p.done(), p.total());
    }

    static Instant time(String text, String option) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " takes an ISO-8601 time such as 2026-11-24T08:00:00Z or"
                        + " 2026-11-24T08:00, got '" + text + "'");
            }
        }
    }
}
