package io.flatline.streams.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.SeedModels;
import io.flatline.streams.config.ModelConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineReferenceModelTest {

    @TempDir
    Path dir;

    private ModelConfig config(String kernels, int size, String labels) throws Exception {
        Files.write(dir.resolve("seed.tflite"), SeedModels.bytes(SeedModels.Spec.fieldReport(3)));
        return ModelConfig.load(Files.writeString(dir.resolve("m.yaml"), "model: {file: seed.tflite, kernels: "
                + kernels + ", labels: " + labels + "}\nwindow: {size: " + size + "}\n"));
    }

    @ParameterizedTest
    @EnumSource(Arithmetic.class)
    void aRunnerGivesTheFullRunsOutputWhateverItIsToldOfTheSlide(Arithmetic arithmetic) throws Exception {
        ModelConfig config = config(arithmetic.cliName(), 50, "[a, b, c, d, e]");
        EngineReferenceModel reference = EngineReferenceModel.load(config.defaultModel());
        Model model = Model.load(config.modelFile());
        ReferenceModel.Runner runner = reference.newRunners().newRunner();
        Random random = new Random(11);
        byte[] window = new byte[500];
        random.nextBytes(window);
        for (int i = 0; i < 3_000; i++) {
            int slide = 1 + random.nextInt(random.nextInt(10) == 0 ? 60 : 3);
            byte[] next = new byte[500];
            int keep = Math.max(0, 50 - slide);
            System.arraycopy(window, (50 - keep) * 10, next, 0, keep * 10);
            byte[] fresh = new byte[(50 - keep) * 10];
            random.nextBytes(fresh);
            System.arraycopy(fresh, 0, next, keep * 10, fresh.length);
            window = next;
            // Mostly the truth, sometimes a lie: the runner must not trust it.
            int told = random.nextInt(8) == 0 ? 1 + random.nextInt(5) : slide;
            assertThat(runner.run(window, told)).as("window %d", i).containsExactly(model.run(window, arithmetic));
        }
    }

    @Test
    void refusesAModelThatDoesNotFitTheConfig() throws Exception {
        assertThatThrownBy(() -> EngineReferenceModel.load(config("litert", 40, "[a, b, c, d, e]").defaultModel()))
                .hasMessageContaining("window.size is 40 but the model seed.tflite takes windows of 50 time steps");
        assertThatThrownBy(() -> EngineReferenceModel.load(config("litert", 50, "[a, b]").defaultModel()))
                .hasMessageContaining("model.labels names 2 classes but the model seed.tflite has 5 outputs");
    }

    @Test
    void namesTheLayerWhereTheDifferenceBetweenTwoWindowsDies() throws Exception {
        EngineReferenceModel reference = EngineReferenceModel.load(config("litert", 50, "[a, b, c, d, e]").defaultModel());
        byte[] window = new byte[500];
        Arrays.fill(window, (byte) -6);
        byte[] other = window.clone();
        other[499] = -5;
        String evidence = reference.saturationEvidence(window, other);
        assertThat(evidence).contains("layers on the latest window: input uses 2 of 256 levels");
        ReferenceModel.Runners runners = reference.newRunners();
        if (Arrays.equals(runners.newRunner().run(window, -1), runners.newRunner().run(other, -1))) {
            assertThat(evidence).contains("the difference between consecutive windows dies at ");
        }
    }
}
