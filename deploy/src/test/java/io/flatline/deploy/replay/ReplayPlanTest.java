package io.flatline.deploy.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    private static final TopicPartition R0 = new TopicPartition("readings", 0);
    private static final TopicPartition R1 = new TopicPartition("readings", 1);

    private final ReplayPlan plan = new ReplayPlan(Map.of(R0, 0L, R1, 0L), Map.of(R0, 100L, R1, 50L));

    @Test
    void countsWhatIsCommittedBetweenStartAndEnd() {
        assertThat(plan.total()).isEqualTo(150);
        assertThat(plan.done(Map.of())).isZero();
        assertThat(plan.done(Map.of(R0, 50L, R1, 80L))).isEqualTo(100);
        assertThat(plan.caughtUp(Map.of(R0, 100L, R1, 50L))).isTrue();
        assertThat(plan.behind(Map.of(R0, 60L, R1, 50L))).isEqualTo("readings-0 at offset 60 of 100");
    }

    @Test
    void recordsDeletedBeforeTheReplayReadThemAreNamed() {
        assertThatThrownBy(() -> plan.refuseIfDeleted(Map.of(R0, 60L), Map.of(R0, 75L, R1, 0L)))
                .hasMessageContaining("readings-0 offsets 60 to 74")
                .hasMessageContaining("cannot be complete");
        // Deleted behind the replay, or in a partition it has finished: nothing lost.
        assertThatCode(() -> plan.refuseIfDeleted(Map.of(R0, 60L, R1, 50L), Map.of(R0, 40L, R1, 50L)))
                .doesNotThrowAnyException();
    }

    @Test
    void historyCutBeforeTheReplayBeganIsANote() {
        ReplayPlan cut = new ReplayPlan(Map.of(R0, 30L, R1, 0L), Map.of(R0, 110L, R1, 50L));
        assertThat(cut.total()).isEqualTo(130);
        assertThat(cut.done(Map.of(R0, 40L))).isEqualTo(10);
        assertThat(cut.notes()).containsExactly("readings-0: the topic's retention had deleted offsets 0 to 29;"
                + " the replay starts at the first record it kept");
        assertThat(plan.notes()).isEmpty();
    }
}
