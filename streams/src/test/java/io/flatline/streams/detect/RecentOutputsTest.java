package io.flatline.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentOutputsTest {

    private static RecentOutputs feed(RecentOutputs r, int... firstValues) {
        for (int v : firstValues) {
            r = r.add(new byte[] {(byte) v, 0}, true, 1);
        }
        return r;
    }

    @Test
    void measuresNothingUntilTheWindowIsFull() {
        RecentOutputs r = feed(RecentOutputs.empty(4, 2), 5, 5, 5);
        assertThat(r.full()).isFalse();
        assertThat(r.nearShare()).isZero();
        r = feed(r, 5);
        assertThat(r.nearShare()).isEqualTo(1.0);
        assertThat(r.distinctInputs()).isEqualTo(4);
    }

    @Test
    void countsTheOutputsWithinToleranceOfTheAnchorAsTheWindowSlides() {
        RecentOutputs r = feed(RecentOutputs.empty(4, 2), 5, 6, 4, 9);
        assertThat(r.anchor()).containsExactly(5, 0);
        assertThat(r.nearShare()).isEqualTo(0.75);
        r = feed(r, 5, 5, 5);
        assertThat(r.nearShare()).isEqualTo(0.75);
        r = feed(r, 5);
        assertThat(r.nearShare()).isEqualTo(1.0);
    }

    @Test
    void theAnchorMovesToANewPlateauOnlyWhenMoreOutputsLieNearIt() {
        RecentOutputs r = feed(RecentOutputs.empty(5, 2), 5, 5, 5, 5, 5);
        r = feed(r, 40);
        assertThat(r.anchor()).containsExactly(5, 0);
        r = feed(r, 40, 40);
        assertThat(r.anchor()).containsExactly(40, 0);
        r = feed(r, 40, 40);
        assertThat(r.nearShare()).isEqualTo(1.0);
    }

    @Test
    void countsOnlyInputChangesWithinTheWindow() {
        RecentOutputs r = RecentOutputs.empty(3, 1);
        r = r.add(new byte[] {1}, true, 0).add(new byte[] {1}, false, 0).add(new byte[] {1}, true, 0);
        assertThat(r.distinctInputs()).isEqualTo(2);
        r = r.add(new byte[] {1}, false, 0).add(new byte[] {1}, false, 0).add(new byte[] {1}, false, 0);
        assertThat(r.distinctInputs()).isEqualTo(1);
    }

    @Test
    void startsAfreshForOutputsOfAnotherWidth() {
        RecentOutputs r = feed(RecentOutputs.empty(3, 2), 1, 1, 1);
        r = r.add(new byte[] {1, 2, 3}, true, 0);
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.outputs()).hasSize(9);
    }
}
