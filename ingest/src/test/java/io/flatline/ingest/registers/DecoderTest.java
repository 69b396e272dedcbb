package io.flatline.ingest.registers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DecoderTest {

    static Stream<Arguments> everyTypeAndOrder() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : DataType.values()) {
            for (WordOrder order : WordOrder.values()) {
                for (double value : samples(type)) {
                    cases.add(Arguments.of(type, order, value));
                }
            }
        }
        return cases.stream();
    }

    private static double[] samples(DataType type) {
        return switch (type) {
            case INT16 -> new double[] {0, 1, -1, Short.MIN_VALUE, Short.MAX_VALUE, 0x1234};
            case UINT16 -> new double[] {0, 1, 0xFFFF, 0x8000, 0x1234};
            case INT32 -> new double[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x12345678};
            case UINT32 -> new double[] {0, 0xFFFF_FFFFL, 0x8000_0000L, 0x12345678};
            case INT64 -> new double[] {0, -1, -1L << 53, 1L << 53, 0x1234_5678_9ABCL};
            case FLOAT32 -> new double[] {0, -1.5f, 3.14159f, Float.MAX_VALUE, -Float.MIN_NORMAL};
            case FLOAT64 -> new double[] {0, -1.5, Math.PI, Double.MAX_VALUE, -Double.MIN_NORMAL};
        };
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyTypeAndOrder")
    void roundTrips(DataType type, WordOrder order, double value) {
        int[] registers = RegisterEncoder.encode(value, type, order);
        assertThat(Decoder.decode(registers, 0, type, order)).isEqualTo(value);
    }

    @Test
    void ordersPlaceTheBytesAsTheirLettersSay() {
        // 0x11223344: A=11 B=22 C=33 D=44
        assertThat(Decoder.bits(new int[] {0x1122, 0x3344}, 0, DataType.UINT32, WordOrder.ABCD)).isEqualTo(0x11223344L);
        assertThat(Decoder.bits(new int[] {0x4433, 0x2211}, 0, DataType.UINT32, WordOrder.DCBA)).isEqualTo(0x11223344L);
        assertThat(Decoder.bits(new int[] {0x2211, 0x4433}, 0, DataType.UINT32, WordOrder.BADC)).isEqualTo(0x11223344L);
        assertThat(Decoder.bits(new int[] {0x3344, 0x1122}, 0, DataType.UINT32, WordOrder.CDAB)).isEqualTo(0x11223344L);
        assertThat(Decoder.bits(new int[] {0x7788, 0x5566, 0x3344, 0x1122}, 0, DataType.INT64, WordOrder.CDAB))
                .isEqualTo(0x1122334455667788L);
    }

    @Test
    void readsAtAnOffset() {
        assertThat(Decoder.decode(new int[] {9, 9, 0xFFFE}, 2, DataType.INT16, WordOrder.ABCD)).isEqualTo(-2);
    }

    @Test
    void integersKeepAllBitsAsLongs() {
        long big = 0x7FFF_FFFF_FFFF_FFF1L;
        int[] registers = {0x7FFF, 0xFFFF, 0xFFFF, 0xFFF1};
        assertThat(Decoder.toLong(Decoder.bits(registers, 0, DataType.INT64, WordOrder.ABCD), DataType.INT64)).isEqualTo(big);
        assertThat(Decoder.toLong(0xFFFF_FFFFL, DataType.UINT32)).isEqualTo(4294967295L);
    }

    @Test
    void unpacksInt8PairsHighByteFirstOrLowByteFirst() {
        int[] registers = {0x01FF, 0x807F, 0x0500};
        assertThat(Decoder.unpackInt8(registers, 0, 5, true)).containsExactly(1, -1, -128, 127, 5);
        assertThat(Decoder.unpackInt8(registers, 0, 5, false)).containsExactly(-1, 1, 127, -128, 0);
    }
}
