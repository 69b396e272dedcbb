package io.flatline.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.OpenEpisode;
import org.junit.jupiter.api.Test;

class LiveViewTest {

    private static final String EVIDENCE = "the reference itself gave this output for 30 windows over 30 different"
            + " inputs; the difference between consecutive windows dies at MEAN (global_average_pooling1d/Mean)"
            + " (its output is identical for both); layers on the latest window: input uses 3 of 256 levels, 83% zero;"
            + " CONV_2D (conv1d/Relu;conv1d/BiasAdd;conv1d/Conv1D) uses 3 of 256 levels, 77% zero";

    @Test
    void theRootCausePanelShowsEachOpenCauseWithItsDiagnosisAndEvidenceWrappedToTheWidth() {
        LiveView view = new LiveView(Map.of("board-03", "saturated-model", "board-06", "healthy"), Instant.EPOCH);
        view.onAlert(Alert.newBuilder().setDeviceId("board-03").setKind(AlertKind.STUCK_OUTPUT)
                .setState(AlertState.RAISED).setSource(AlertSource.REFERENCE).setFirstSeq(1).setLastSeq(30)
                .setRunLength(30).setDistinctInputs(30).setNetOut(ByteBuffer.wrap(new byte[5]))
                .setDiagnosis(Diagnosis.MODEL_SATURATION).setEvidence(EVIDENCE).setTimestamp(Instant.EPOCH)
                .setEpisodeId("board-03#1").setFirstOut(true).setReturns(0).setSeverity(AlertSeverity.FAIL).build());
        view.onHealth(DeviceHealth.newBuilder().setDeviceId("board-03").setUpdated(Instant.EPOCH).setLabel("normal")
                .setOpenAlerts(List.of("REFERENCE/STUCK_OUTPUT", "BOARD/STUCK_OUTPUT"))
                .setDiagnosis("MODEL_SATURATION").setComparedWindows(40).setExactMatchRate(1.0)
                .setTop1AgreementRate(1.0).setMaxAbsDiffLsb(0).setEpisodes(List.of(OpenEpisode.newBuilder()
                        .setEpisodeId("board-03#1").setDiagnosis("MODEL_SATURATION")
                        .setKinds(List.of("REFERENCE/STUCK_OUTPUT", "BOARD/STUCK_OUTPUT")).setReturns(0).build()))
                .build());

        String frame = view.render(Instant.ofEpochSecond(75), 80);
        assertThat(frame.lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
        String panel = frame.substring(frame.indexOf("Root causes, and why:"), frame.indexOf("Latest alerts:"));
        assertThat(panel).contains("board-03   MODEL_SATURATION: REFERENCE/STUCK_OUTPUT +1");
        // Every word of the evidence is there, in order, on indented lines.
        List<String> evidence = panel.lines().skip(2).filter(l -> !l.isBlank()).toList();
        assertThat(evidence).hasSizeGreaterThan(3).allSatisfy(l -> assertThat(l).startsWith("           "));
        assertThat(String.join(" ", evidence.stream().map(String::strip).toList())).isEqualTo(EVIDENCE);
        assertThat(frame).contains("1 root cause open on 1 board");
    }

    @Test
    void wrappingBreaksAtSpacesAndCutsOnlyAWordLongerThanALine() {
        assertThat(LiveView.wrap("aaa bbb ccc", 12, 2)).containsExactly("  aaa bbb", "  ccc");
        assertThat(LiveView.wrap("x " + "y".repeat(25), 12, 2)).containsExactly("  x", "  " + "y".repeat(10),
                "  " + "y".repeat(10), "  yyyyy");
        assertThat(LiveView.wrap("  ", 20, 0)).isEmpty();
    }

    @Test
    void aFrameIsDrawnOverTheLastOneLineByLineAndTheRestOfTheScreenCleared() {
        assertThat(TerminalScreen.redraw("first\nsecond\n", 40)).isEqualTo("\033[Hfirst\033[K\nsecond\033[K\n\033[J");
        assertThat(TerminalScreen.redraw("one", 40)).isEqualTo("\033[Hone\033[K\033[J");
    }

    @Test
    void aFrameTallerThanTheTerminalIsCutSoThatItDoesNotScrollAndSaysHowMuchIsLeftOut() {
        String frame = "1\n2\n3\n4\n5\n6\n";
        assertThat(TerminalScreen.redraw(frame, 4)).isEqualTo("\033[H1\033[K\n2\033[K\n… 4 more lines: a taller"
                + " terminal shows them\033[K\n\033[J");
        assertThat(TerminalScreen.redraw(frame, 7)).startsWith("\033[H1").contains("6\033[K\n").doesNotContain("more lines");
    }
}
