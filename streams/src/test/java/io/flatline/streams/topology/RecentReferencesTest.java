package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.streams.compare.BoardMonitor.Reference;
import org.junit.jupiter.api.Test;

class RecentReferencesTest {

    private static Reference reference(long seq, long crc) {
        return new Reference(seq, crc, new byte[] {(byte) seq, (byte) -seq, 0});
    }

    @Test
    void keepsTheNewestRetentionWindows() {
        RecentReferences references = new RecentReferences(4, 3);
        for (long seq = 50; seq <= 54; seq++) {
            references.add(reference(seq, seq * 10));
        }

        assertThat(references.newestSeq()).isEqualTo(54);
        assertThat(references.bySeq(50)).isEmpty();
        assertThat(references.bySeq(51)).get().satisfies(r -> {
            assertThat(r.seq()).isEqualTo(51);
            assertThat(r.crc()).isEqualTo(510);
            assertThat(r.netOut()).containsExactly(51, -51, 0);
        });
        assertThat(references.bySeq(55)).isEmpty();
    }

    @Test
    void findsTheNewestWindowWithAnInputCrcWithinTheRetention() {
        RecentReferences references = new RecentReferences(4, 3);
        references.add(reference(10, 7));
        references.add(reference(11, 8));
        references.add(reference(12, 7));

        assertThat(references.byCrc(7)).get().extracting(Reference::seq).isEqualTo(12L);
        assertThat(references.byCrc(9)).isEmpty();

        for (long seq = 13; seq <= 16; seq++) {
            references.add(reference(seq, 1));
        }
        assertThat(references.byCrc(7)).as("both windows with CRC 7 left").isEmpty();
    }

    @Test
    void answersNothingOlderThanTheRetentionThatAGapLeftInItsSlot() {
        RecentReferences references = new RecentReferences(4, 3);
        references.add(reference(1, 100));
        references.add(reference(2, 200));

        // A gap: seq 9 takes seq 1's slot; seq 2 stays in its own, past the retention (6..9).
        references.add(reference(9, 900));

        assertThat(references.bySeq(1)).isEmpty();
        assertThat(references.bySeq(2)).isEmpty();
        assertThat(references.byCrc(200)).isEmpty();
        assertThat(references.bySeq(9)).isPresent();
    }
}
