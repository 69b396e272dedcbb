package io.flatline.streams.compare;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConditionRunTest {

    @Test
    void raisesAfterARunAndClearsAfterARunNeverFlapping() {
        ConditionRun run = ConditionRun.idle();
        StringBuilder edges = new StringBuilder();
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        String pattern = "HHHHHHfHfffHHHff";
        for (int i = 0; i < pattern.length(); i++) {
            boolean holds = Character.toUpperCase(pattern.charAt(i)) == 'H';
            ConditionRun next = run.observe(holds, i, i, 3, 3);
            if (next.open() != run.open()) {
                lengths.add(next.length());
            }
            edges.append(next.open() == run.open() ? '.' : next.open() ? 'R' : 'C');
            run = next;
        }
        // Three in a row raise; a single failure in between does not clear; three failures in a row do.
        assertThat(edges).hasToString("..R.......C..R..");
        // The episodes' lengths: raised after 3; cleared after 11 observations (0..10); the next raised after 3.
        assertThat(lengths).containsExactly(3, 11, 3);
    }
}
