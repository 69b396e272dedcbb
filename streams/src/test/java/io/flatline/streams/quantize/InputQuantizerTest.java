package io.flatline.streams.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InputQuantizerTest {

    @ParameterizedTest
    @CsvSource({"0.5, 1", "-0.5, -1", "1.5, 2", "-1.5, -2", "2.5, 3", "0.49999997, 0", "-0.49999997, 0",
        "1.4999999, 1", "0, 0", "-0.0, 0"})
    void roundsHalfAwayFromZeroLikeCsRoundf(float value, int expected) {
        assertThat(InputQuantizer.roundHalfAwayFromZero(value)).isEqualTo(expected);
    }

    @Test
    void quantizesWithTheInputTensorsScaleAndZeroPoint() {
        // The seed model's input: scale 0.0345155, zero point -6.
        float scale = 0.0345155f;
        assertThat(InputQuantizer.quantize(0f, scale, -6)).isEqualTo((byte) -6);
        assertThat(InputQuantizer.quantize(1f, scale, -6)).isEqualTo((byte) (29 - 6));  // 1/0.0345155 = 28.97
        assertThat(InputQuantizer.quantize(-1f, scale, -6)).isEqualTo((byte) (-29 - 6));
        assertThat(InputQuantizer.quantize(100f, scale, -6)).isEqualTo((byte) 127);
        assertThat(InputQuantizer.quantize(-100f, scale, -6)).isEqualTo((byte) -128);
        assertThat(InputQuantizer.quantize(Float.NaN, scale, -6)).isEqualTo((byte) -6);
        assertThat(InputQuantizer.quantize(Float.POSITIVE_INFINITY, scale, -6)).isEqualTo((byte) 127);
    }

    @Test
    void appliesTheChannelsNormalisationFirst() {
        var z = Normalization.ZScore.of(List.of(10.0, -2.0), List.of(2.0, 0.5));
        var q = new InputQuantizer(z, 0.25f, 0);
        // (14 - 10) / 2 = 2 -> 8;  (-2.5 + 2) / 0.5 = -1 -> -4
        assertThat(q.quantizeRow(List.of(14f, -2.5f))).containsExactly(8, -4);
        var mm = Normalization.MinMax.of(List.of(0.0), List.of(200.0));
        assertThat(new InputQuantizer(mm, 1 / 256f, -128).quantizeRow(List.of(100f))).containsExactly(0);
    }

    @Test
    void crcIsJavaUtilZipCrc32OverTheWindowBytes() {
        byte[] window = {-6, -6, 1, 2, 127, -128};
        CRC32 expected = new CRC32();
        expected.update(window);
        assertThat(InputQuantizer.crc32(window)).isEqualTo(expected.getValue()).isPositive();
        assertThat(InputQuantizer.distinctLevels(window)).isEqualTo(5);
    }

    @Test
    void distinctLevelsCountsEveryLevelOnceAcrossTheWholeRange() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            byte[] window = new byte[1 + random.nextInt(600)];
            int spread = 1 + random.nextInt(256);
            Set<Byte> levels = new HashSet<>();
            for (int i = 0; i < window.length; i++) {
                window[i] = (byte) (random.nextInt(spread) - 128 + random.nextInt(257 - spread));
                levels.add(window[i]);
            }
            assertThat(InputQuantizer.distinctLevels(window)).as("trial %d", trial).isEqualTo(levels.size());
        }
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertThat(InputQuantizer.distinctLevels(all)).isEqualTo(256);
    }
}
