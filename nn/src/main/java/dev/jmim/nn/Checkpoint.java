package dev.jmim.nn;

import dev.jmim.nn.optim.Optimizer;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import dev.jmim.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's state dict and, optionally, its optimizer's state in one safetensors file, written
 * atomically. Model keys are exactly the state-dict keys (so PyTorch reads them as a state dict);
 * optimizer entries are prefixed {@code optimizer.}.
 */
public final class Checkpoint {
    static final String OPTIMIZER_PREFIX = "optimizer.";

    private Checkpoint() {}

    public static void save(Path path, Module model, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(); // host copies of what lives on a device
        model.stateDict().forEach((k, v) -> tensors.put(k, v.to(Device.CPU)));
        if (optimizer != null) {
            optimizer.stateDict().forEach((k, v) -> tensors.put(OPTIMIZER_PREFIX + k, v.to(Device.CPU)));
        }
        SafeTensors.save(path, tensors, metadata);
    }

    /** Loads the model (strictly or not) and, when given, the optimizer; returns the metadata. */
    public static Map<String, String> load(Path path, Module model, Optimizer optimizer, boolean strict)
            throws IOException {
        Map<String, Tensor> modelState = new LinkedHashMap<>();
        Map<String, Tensor> optimizerState = new LinkedHashMap<>();
        Map<String, String> metadata;
        try (SafeTensorsFile file = SafeTensors.open(path)) {
            metadata = Map.copyOf(file.metadata());
            for (String name : file.names()) {
                if (name.startsWith(OPTIMIZER_PREFIX)) {
                    optimizerState.put(name.substring(OPTIMIZER_PREFIX.length()), file.tensor(name));
                } else {
                    modelState.put(name, file.tensor(name));
                }
            }
        }
        model.loadStateDict(modelState, strict);
        if (optimizer != null) {
            if (optimizerState.isEmpty()) {
                throw new IllegalArgumentException("checkpoint " + path + " holds no optimizer state");
            }
            optimizer.loadStateDict(optimizerState);
        }
        return metadata;
    }
}
