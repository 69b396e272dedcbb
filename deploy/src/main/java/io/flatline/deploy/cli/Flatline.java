package io.flatline.deploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import io.flatline.deploy.demo.DemoCommand;
import io.flatline.deploy.replay.ReplayCommand;
import io.flatline.deploy.tail.TailCommand;
import io.flatline.ingest.cli.IngestCommand;
import io.flatline.model.cli.ModelCommand;
import io.flatline.simulator.cli.SimulateCommand;
import io.flatline.streams.cli.StreamsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of Flatline. Each component contributes its own subcommands; this class only puts them
 * under one name, with help and version.
 */
@Command(name = "flatline",
        mixinStandardHelpOptions = true,
        versionProvider = Flatline.Version.class,
        description = "Runs the reference of a fleet's int8 model beside the fleet, on Kafka, and tells which"
                + " boards' NPU outputs have flatlined, and why.",
        subcommands = {DemoCommand.class, IngestCommand.class, StreamsCommand.class, ModelCommand.class, SimulateCommand.class,
            ReplayCommand.class, TailCommand.class, CommandLine.HelpCommand.class})
public final class Flatline implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The launcher's command line, ready to execute; tests drive it the way a user does. */
    public static CommandLine commandLine() {
        return new CommandLine(new Flatline()).setExecutionExceptionHandler(new OneLineErrors());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the versions that matter when reporting a problem. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties props = new Properties();
            try (InputStream in = Flatline.class.getResourceAsStream("/flatline-version.properties")) {
                if (in != null) {
                    props.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                "flatline " + props.getProperty("version", "unknown"),
                "Apache Kafka " + props.getProperty("kafka", "unknown") + ", Apache Avro "
                        + props.getProperty("avro", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }

    /**
     * A failed command prints one line naming what went wrong, not a stack trace; {@code -Dflatline.debug=true}
     * brings the trace back for a bug report.
     */
    static final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            cmd.getErr().println("flatline " + cmd.getCommandName() + ": " + describe(e));
            if (Boolean.getBoolean("flatline.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 2;
        }

        private static String describe(Throwable e) {
            String message = e.getMessage();
            return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        }
    }
}
