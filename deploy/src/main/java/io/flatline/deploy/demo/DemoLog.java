package io.flatline.deploy.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/**
 * The demo's log lines (Kafka's, the broker's, the services', and the JDK's own java.util.logging) sent to a file
 * rather than the terminal, where they would break up the live view. The launcher's logback configuration writes to
 * stderr; this swaps its console appenders for a file appender while the demo runs, and {@link #close} swaps them
 * back. Lines the JVM prints itself before any code runs (the incubator module's warning) stay on stderr.
 */
final class DemoLog implements AutoCloseable {

    private final Logger root;
    private final FileAppender<ILoggingEvent> file;
    private final List<Appender<ILoggingEvent>> consoles;
    private final java.util.logging.Logger julRoot = java.util.logging.LogManager.getLogManager().getLogger("");
    private final Handler[] julHandlers;
    private final Handler toSlf4j = new Slf4jHandler();

    private DemoLog(Logger root, FileAppender<ILoggingEvent> file, List<Appender<ILoggingEvent>> consoles) {
        this.root = root;
        this.file = file;
        this.consoles = consoles;
        this.julHandlers = julRoot.getHandlers();
        for (Handler h : julHandlers) {
            julRoot.removeHandler(h);
        }
        julRoot.addHandler(toSlf4j);
    }

    /** Sends the log to {@code path} (appending); empty when logging is not logback's, and stays where it was. */
    static Optional<DemoLog> to(Path path) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return Optional.empty();
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("demo-log");
        file.setFile(path.toString());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> consoles = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            if (a instanceof ConsoleAppender) {
                consoles.add(a);
            }
        }
        root.addAppender(file);
        consoles.forEach(root::detachAppender);
        return Optional.of(new DemoLog(root, file, consoles));
    }

    @Override
    public void close() {
        julRoot.removeHandler(toSlf4j);
        for (Handler h : julHandlers) {
            julRoot.addHandler(h);
        }
        consoles.forEach(root::addAppender);
        root.detachAppender(file);
        file.stop();
    }

    /** java.util.logging records, passed to SLF4J under their logger's name. */
    private static final class Slf4jHandler extends Handler {
        /** Fills in a record's parameters ({0}) and looks up its resource bundle, as the JDK's handlers do. */
        private final Formatter parameters = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            org.slf4j.Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jul" : r.getLoggerName());
            String message = parameters.formatMessage(r);
            int level = r.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                log.error(message, r.getThrown());
            } else if (level >= Level.WARNING.intValue()) {
                log.warn(message, r.getThrown());
            } else if (level >= Level.INFO.intValue()) {
                log.info(message, r.getThrown());
            } else {
                log.debug(message, r.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
