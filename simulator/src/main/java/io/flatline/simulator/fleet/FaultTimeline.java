package io.flatline.simulator.fleet;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * When a board malfunctions, and how: segments of its windows in order, each with a {@link Malfunction};
 * windows outside every segment are healthy. Window {@code w} is the one that ends at the board's {@code w}-th
 * sample (1-based), the reading ingest publishes with seq {@code w}, so a timeline is in the same units as the
 * windows alerts name. A timeline may be endless (a fleet that runs until Ctrl-C): its segments are made as the
 * board reaches them, the same ones every time they are asked for.
 */
public final class FaultTimeline {

    /** A board that never malfunctions. */
    public static final FaultTimeline HEALTHY = new FaultTimeline(Stream::empty);

    /** Windows {@code from} (inclusive) to {@code to} (exclusive) with {@code malfunction}. */
    public record Segment(long from, long to, Malfunction malfunction) {
        public Segment {
            Objects.requireNonNull(malfunction, "malfunction");
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("A segment needs 0 <= from < to, got " + from + ".." + to);
            }
        }

        public boolean contains(long window) {
            return from <= window && window < to;
        }
    }

    /** A run length drawn uniformly from {@code min..max} windows. */
    public record Run(int min, int max) {
        public Run {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("A run needs 1 <= min <= max, got " + min + ".." + max);
            }
        }

        public static Run of(int length) {
            return new Run(length, length);
        }

        int draw(SplittableRandom random) {
            return min == max ? min : min + random.nextInt(max - min + 1);
        }
    }

    private final Supplier<Stream<Segment>> segments;

    private FaultTimeline(Supplier<Stream<Segment>> segments) {
        this.segments = segments;
    }

    /** These segments, which must be in window order and must not overlap. */
    public static FaultTimeline of(List<Segment> segments) {
        List<Segment> copy = List.copyOf(segments);
        for (int i = 1; i < copy.size(); i++) {
            if (copy.get(i).from() < copy.get(i - 1).to()) {
                throw new IllegalArgumentException("Segments overlap or are out of order: " + copy.get(i - 1) + ", "
                        + copy.get(i));
            }
        }
        return new FaultTimeline(copy::stream);
    }

    /** {@code malfunction} from window {@code from} on, for good. */
    public static FaultTimeline from(long from, Malfunction malfunction) {
        return of(List.of(new Segment(from, Long.MAX_VALUE, malfunction)));
    }

    /**
     * From window {@code from} until {@code to}, runs of {@code malfunction} and healthy runs in turn, starting
     * with a faulty one, each as long as its {@link Run} draws (seeded with {@code seed}): an intermittent fault.
     */
    public static FaultTimeline alternating(long from, long to, Malfunction malfunction, Run faulty, Run healthy,
                                            long seed) {
        return new FaultTimeline(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            Iterator<Segment> cycle = new Iterator<>() {
                private long start = from;

                @Override
                public boolean hasNext() {
                    return start < to;
                }

                @Override
                public Segment next() {
                    Segment segment = new Segment(start, Math.min(to, start + faulty.draw(random)), malfunction);
                    start = segment.to() + healthy.draw(random);
                    return segment;
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cycle, Spliterator.ORDERED), false);
        });
    }

    /** The segments in window order; endless for an endless timeline. */
    public Stream<Segment> segments() {
        return segments.get();
    }

    /** Walks the timeline forwards: one per board. */
    public Cursor cursor() {
        return new Cursor(segments().iterator());
    }

    /** Which segment a window is in, for windows asked in increasing order. */
    public static final class Cursor {
        private final Iterator<Segment> ahead;
        private Segment next;

        private Cursor(Iterator<Segment> ahead) {
            this.ahead = ahead;
            this.next = ahead.hasNext() ? ahead.next() : null;
        }

        /** The segment {@code window} is in; empty where the board is healthy. */
        public Optional<Segment> at(long window) {
            while (next != null && next.to() <= window) {
                next = ahead.hasNext() ? ahead.next() : null;
            }
            return next != null && next.contains(window) ? Optional.of(next) : Optional.empty();
        }
    }
}
