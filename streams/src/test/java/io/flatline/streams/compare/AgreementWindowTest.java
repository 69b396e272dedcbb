package io.flatline.streams.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import io.flatline.streams.topology.JsonSerde;
import org.junit.jupiter.api.Test;

class AgreementWindowTest {

    /** The summary, computed in place over the ring, against the same rules applied to each pair's copies. */
    @Test
    void summarizesTheWindowAsThePairsThemselvesCompare() {
        Random random = new Random(3);
        AgreementWindow window = AgreementWindow.empty(20, 5);
        for (int n = 1; n <= 75; n++) {
            byte[] reference = new byte[5];
            random.nextBytes(reference);
            byte[] board = reference.clone();
            if (random.nextBoolean()) {
                board[random.nextInt(5)] += (byte) (1 + random.nextInt(40));
            }
            window = window.add(board, reference);

            int exact = 0;
            int top1 = 0;
            int worst = 0;
            for (int i = 0; i < window.count(); i++) {
                byte[] b = window.board(i);
                byte[] r = window.reference(i);
                exact += Arrays.equals(b, r) ? 1 : 0;
                top1 += OutputComparison.top1Agree(b, r) ? 1 : 0;
                worst = Math.max(worst, OutputComparison.maxAbsDiffLsb(b, r));
            }
            AgreementWindow.Summary summary = window.summary();
            assertThat(summary.total()).isEqualTo(n);
            assertThat(summary.windowed()).isEqualTo(Math.min(n, 20));
            assertThat(summary.exactMatchRate()).isEqualTo((double) exact / window.count());
            assertThat(summary.top1AgreementRate()).isEqualTo((double) top1 / window.count());
            assertThat(summary.maxAbsDiffLsb()).isEqualTo(worst);
        }
    }

    /** The boards store keeps the window as JSON: read back, it has the same pairs and the same agreement. */
    @Test
    void readsBackFromTheBoardsStoresJsonWithItsAgreement() {
        Random random = new Random(9);
        AgreementWindow window = AgreementWindow.empty(8, 3);
        for (int n = 0; n < 13; n++) {
            byte[] reference = new byte[3];
            random.nextBytes(reference);
            byte[] board = reference.clone();
            board[n % 3] += (byte) (n % 4);
            window = window.add(board, reference);
        }
        var serde = JsonSerde.of(AgreementWindow.class);

        AgreementWindow back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", window));

        assertThat(back).isEqualTo(window);
        assertThat(back.summary()).isEqualTo(window.summary());
        assertThat(new String(serde.serializer().serialize("t", window), java.nio.charset.StandardCharsets.UTF_8))
                .as("only the pairs and the ring's position are stored")
                .doesNotContain("exact").doesNotContain("worst");
    }

    @Test
    void anEmptyWindowHasNoRates() {
        AgreementWindow.Summary summary = AgreementWindow.empty(20, 5).summary();
        assertThat(summary.exactMatchRate()).isNull();
        assertThat(summary.top1AgreementRate()).isNull();
        assertThat(summary.maxAbsDiffLsb()).isNull();
    }
}
