package io.flatline.streams.config;

import java.nio.file.Path;
import java.util.List;

import io.flatline.model.arith.Arithmetic;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.window.WindowPolicy;

/**
 * One model a fleet runs, as the config names it: the file and everything that says how a board feeds it.
 *
 * @param name          the config's handle for the model, used by the device assignment; its identity on the topics
 *                      is the SHA-256 of {@code file}, which the boards report as their {@code modelId}
 * @param file          the {@code .tflite} file, resolved against the config file's directory
 * @param kernels       the arithmetic of the boards' runtime: LiteRT's on a PC, or TFLite Micro's reference kernels
 * @param labels        one label per output class
 * @param normalization what the boards apply to raw values before quantizing
 * @param window        how readings form this model's windows
 * @param section       where the config names it ({@code model}, or {@code models.<name>}), for messages
 */
public record ModelSpec(String name, String section, Path file, Arithmetic kernels, List<String> labels, Normalization normalization,
                        WindowPolicy window) {

    public ModelSpec {
        labels = List.copyOf(labels);
    }

    /** A model named by the config's single-model form. */
    public static ModelSpec single(Path file, Arithmetic kernels, List<String> labels, Normalization normalization,
                                   WindowPolicy window) {
        return new ModelSpec("default", "model", file, kernels, labels, normalization, window);
    }
}
