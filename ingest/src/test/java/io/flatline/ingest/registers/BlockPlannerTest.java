package io.flatline.ingest.registers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.flatline.ingest.registers.RegisterKind.HOLDING;
import static io.flatline.ingest.registers.RegisterKind.INPUT;
import static org.assertj.core.api.Assertions.assertThat;

class BlockPlannerTest {
    private static RegisterRange r(RegisterKind kind, int start, int count) {
        return new RegisterRange(kind, start, count);
    }

    @Test
    void mergesNeighboursAndBridgesSmallGaps() {
        List<RegisterRange> wanted = List.of(r(INPUT, 0, 2), r(INPUT, 2, 2), r(INPUT, 7, 1), r(INPUT, 20, 2));
        assertThat(BlockPlanner.plan(wanted, 3, 125)).containsExactly(r(INPUT, 0, 8), r(INPUT, 20, 2));
        assertThat(BlockPlanner.plan(wanted, 0, 125)).containsExactly(r(INPUT, 0, 4), r(INPUT, 7, 1), r(INPUT, 20, 2));
    }

    @Test
    void neverMixesKindsAndSortsByKindThenAddress() {
        List<RegisterRange> wanted = List.of(r(INPUT, 10, 1), r(HOLDING, 11, 1), r(HOLDING, 10, 1), r(INPUT, 11, 1));
        assertThat(BlockPlanner.plan(wanted, 0, 125)).containsExactly(r(HOLDING, 10, 2), r(INPUT, 10, 2));
    }

    @Test
    void splitsAtTheProtocolLimitEvenInsideOneValue() {
        List<RegisterRange> wanted = List.of(r(HOLDING, 0, 124), r(HOLDING, 124, 2), r(HOLDING, 126, 200));
        assertThat(BlockPlanner.plan(wanted, 0, 125))
                .containsExactly(r(HOLDING, 0, 125), r(HOLDING, 125, 125), r(HOLDING, 250, 76));
    }

    @Test
    void overlappingAndDuplicateRangesAreReadOnce() {
        List<RegisterRange> wanted = List.of(r(HOLDING, 5, 4), r(HOLDING, 6, 2), r(HOLDING, 5, 4), r(HOLDING, 8, 3));
        assertThat(BlockPlanner.plan(wanted, 0, 125)).containsExactly(r(HOLDING, 5, 6));
    }

    @Test
    void aGapThatWouldOverflowTheBlockStartsANewOne() {
        List<RegisterRange> wanted = List.of(r(INPUT, 0, 120), r(INPUT, 122, 4));
        assertThat(BlockPlanner.plan(wanted, 5, 125)).containsExactly(r(INPUT, 0, 125), r(INPUT, 125, 1));
    }

    @Test
    void everyWantedRegisterIsCoveredAndNoBlockExceedsTheLimit() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            List<RegisterRange> wanted = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                wanted.add(r(random.nextBoolean() ? HOLDING : INPUT, random.nextInt(1000), 1 + random.nextInt(8)));
            }
            int gap = random.nextInt(10);
            List<RegisterRange> blocks = BlockPlanner.plan(wanted, gap, 125);
            for (RegisterRange w : wanted) {
                for (int a = w.start(); a <= w.end(); a++) {
                    int address = a;
                    assertThat(blocks.stream().anyMatch(b -> b.kind() == w.kind() && b.contains(address)))
                            .as("%s register %d covered by %s", w.kind(), address, blocks).isTrue();
                }
            }
            assertThat(blocks).allSatisfy(b -> assertThat(b.count()).isBetween(1, 125));
        }
    }
}
