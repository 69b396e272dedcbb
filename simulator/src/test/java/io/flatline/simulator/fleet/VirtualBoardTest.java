package io.flatline.simulator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.streams.quantize.InputQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each board through real Modbus TCP, held against the reference computed from what the poller read. */
class VirtualBoardTest {

    private static final Fault.Timing FAST = new Fault.Timing(5, 12, 8, 20);
    private static BoardModel boardModel;
    private static Model model;

    @BeforeAll
    static void model() {
        boardModel = BoardModel.seed(11);
        model = boardModel.load();
    }

    private record Step(BoardClient.Poll poll, byte[] referenceWindow, byte[] referenceNetOut) {
        long referenceCrc() {
            return InputQuantizer.crc32(referenceWindow);
        }
    }

    /** Polls {@code count} times and computes, for each poll once the window is full, what the reference says. */
    private static List<Step> run(Fault fault, long seed, int count) throws Exception {
        List<Step> steps = new ArrayList<>();
        try (VirtualBoard board = VirtualBoard.start(new BoardSpec("board-t", fault, boardModel, seed, 0, FAST), model);
             BoardClient client = new BoardClient(board.port(), board.outputs())) {
            BoardClient.ReferenceWindow reference = new BoardClient.ReferenceWindow(model, boardModel.normalization());
            for (int i = 0; i < count; i++) {
                BoardClient.Poll poll = client.poll();
                reference.add(poll.values());
                if (reference.full()) {
                    byte[] window = reference.window();
                    steps.add(new Step(poll, window, model.run(window, Arithmetic.LITERT)));
                } else {
                    assertThat(poll.counter()).as("no inference before the window is full").isZero();
                }
            }
        }
        return steps;
    }

    @Test
    void healthyBoardServesTheGeneratorsSamplesAndTheReferencesInference() throws Exception {
        SignalGenerator generator = new SignalGenerator(3);
        RegimeSchedule schedule = new RegimeSchedule(3);
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            expected.add(generator.next(schedule.next()));
        }
        List<Step> steps = run(Fault.HEALTHY, 3, 120);
        assertThat(steps).hasSize(120 - 49);
        Set<String> outputs = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            assertThat(step.poll().values()).as("sample %d", i + 49).containsExactly(expected.get(i + 49));
            assertThat(step.poll().counter()).isEqualTo(i + 1);
            assertThat(step.poll().crc()).as("window %d", i).isEqualTo(step.referenceCrc());
            assertThat(step.poll().netOut()).as("window %d", i).containsExactly(step.referenceNetOut());
            outputs.add(Arrays.toString(step.poll().netOut()));
        }
        assertThat(outputs).as("the model's outputs move with the inputs").hasSizeGreaterThan(1);
    }

    @Test
    void preprocessingMismatchChangesEveryWindowsCrc() throws Exception {
        List<Step> steps = run(Fault.PREPROCESSING_MISMATCH, 4, 70);
        assertThat(steps).isNotEmpty().allSatisfy(step -> {
            assertThat(step.poll().counter()).isPositive();
            assertThat(step.poll().crc()).isNotEqualTo(step.referenceCrc());
        });
        // the board still reads the same sensors: only its quantization differs
        assertThat(steps.stream().map(s -> s.poll().crc()).distinct().count()).isEqualTo(steps.size());
    }

    @Test
    void npuStuckFreezesTheOutputWhileTheCounterAndInputsMove() throws Exception {
        List<Step> steps = run(Fault.NPU_STUCK, 5, 110);
        for (int i = 0; i < FAST.warmUp(); i++) {
            assertThat(steps.get(i).poll().netOut()).containsExactly(steps.get(i).referenceNetOut());
        }
        byte[] frozen = steps.get(FAST.warmUp() - 1).poll().netOut();
        boolean referenceMoved = false;
        for (int i = FAST.warmUp(); i < steps.size(); i++) {
            Step step = steps.get(i);
            assertThat(step.poll().counter()).isEqualTo(i + 1);
            assertThat(step.poll().crc()).as("the inputs are still the reference's").isEqualTo(step.referenceCrc());
            assertThat(step.poll().netOut()).containsExactly(frozen);
            referenceMoved |= !Arrays.equals(step.referenceNetOut(), frozen);
        }
        assertThat(referenceMoved).as("the reference's output moved meanwhile").isTrue();
    }

    @Test
    void sensorStaleFreezesEverySensorSoWindowsAndOutputsRepeat() throws Exception {
        List<Step> steps = run(Fault.SENSOR_STALE, 6, 49 + FAST.warmUp() + 60);
        assertThat(steps.get(FAST.warmUp() - 1 + 48).poll().crc()).isNotEqualTo(steps.get(steps.size() - 1).poll().crc());
        // the sensors freeze at the sample of the last warm-up inference
        float[] frozen = steps.get(FAST.warmUp() - 1).poll().values();
        for (int i = FAST.warmUp(); i < steps.size(); i++) {
            Step step = steps.get(i);
            assertThat(step.poll().values()).containsExactly(frozen);
            assertThat(step.poll().counter()).isEqualTo(i + 1);
            assertThat(step.poll().crc()).isEqualTo(step.referenceCrc());
            assertThat(step.poll().netOut()).containsExactly(step.referenceNetOut());
        }
        assertThat(steps.get(FAST.warmUp() - 2).poll().values()).isNotEqualTo(frozen);
        // once the window holds only the frozen sample, every window and output is the same
        Step last = steps.get(steps.size() - 1);
        for (int i = FAST.warmUp() - 1 + 49; i < steps.size(); i++) {
            assertThat(steps.get(i).poll().crc()).isEqualTo(last.poll().crc());
            assertThat(steps.get(i).poll().netOut()).containsExactly(last.poll().netOut());
        }
    }

    @Test
    void intermittentSticksThenRecoversInCycles() throws Exception {
        int cycle = FAST.healthyRun() + FAST.stuckRun();
        List<Step> steps = run(Fault.INTERMITTENT, 7, 49 + 3 * cycle);
        int stuckWhileReferenceMoved = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            assertThat(step.poll().crc()).isEqualTo(step.referenceCrc());
            int phase = i % cycle;
            if (phase < FAST.healthyRun()) {
                assertThat(step.poll().netOut()).as("inference %d is healthy", i + 1).containsExactly(step.referenceNetOut());
            } else {
                byte[] lastHealthy = steps.get(i - phase + FAST.healthyRun() - 1).poll().netOut();
                assertThat(step.poll().netOut()).as("inference %d is stuck", i + 1).containsExactly(lastHealthy);
                stuckWhileReferenceMoved += Arrays.equals(step.referenceNetOut(), lastHealthy) ? 0 : 1;
            }
        }
        assertThat(stuckWhileReferenceMoved).isPositive();
    }

    @Test
    void aSaturatedModelIsStuckOnTheBoardAndInTheReferenceWhileTheInputsMove() throws Exception {
        BoardModel saturated = BoardModel.saturatedSeed(11);
        Model dead = saturated.load();
        try (VirtualBoard board = VirtualBoard.start(new BoardSpec("board-s", Fault.SATURATED_MODEL, saturated, 8, 0), dead);
             BoardClient client = new BoardClient(board.port(), board.outputs())) {
            BoardClient.ReferenceWindow reference = new BoardClient.ReferenceWindow(dead, saturated.normalization());
            Set<Long> crcs = new HashSet<>();
            Set<String> outputs = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                BoardClient.Poll poll = client.poll();
                reference.add(poll.values());
                if (reference.full()) {
                    byte[] window = reference.window();
                    assertThat(poll.crc()).isEqualTo(InputQuantizer.crc32(window));
                    assertThat(InputQuantizer.distinctLevels(window)).isGreaterThan(20);
                    assertThat(poll.netOut()).containsExactly(dead.run(window, Arithmetic.LITERT));
                    crcs.add(poll.crc());
                    outputs.add(Arrays.toString(poll.netOut()));
                }
            }
            assertThat(crcs).hasSize(51);
            assertThat(outputs).hasSize(1);
        }
    }

    @Test
    void otherUnitIdsAndRegistersAreRefusedAndReadsOfTheBoardBlockAloneTakeNoSample() throws Exception {
        try (VirtualBoard board = VirtualBoard.start(new BoardSpec("board-t", Fault.HEALTHY, boardModel, 1, 0), model);
             BoardClient client = new BoardClient(board.port(), board.outputs())) {
            var master = new com.ghgande.j2mod.modbus.facade.ModbusTCPMaster("127.0.0.1", board.port(), 2000, false);
            master.connect();
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> master.readInputRegisters(2, 0, 2))
                        .isInstanceOf(com.ghgande.j2mod.modbus.ModbusException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> master.readInputRegisters(1, 100, 20))
                        .isInstanceOf(com.ghgande.j2mod.modbus.ModbusException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> master.readMultipleRegisters(1, 0, 2))
                        .isInstanceOf(com.ghgande.j2mod.modbus.ModbusException.class);
                master.readInputRegisters(1, 100, 7);
                master.readInputRegisters(1, 2, 4);
                assertThat(board.status().samples()).isZero();
                client.poll();
                assertThat(board.status().samples()).isEqualTo(1);
            } finally {
                master.disconnect();
            }
        }
    }
}
