package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.DataSources;
import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.data.FashionMnist;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.eval.Features;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim features}: a checkpoint's dense features of a dataset, as Pixio's evaluations use
 * them ({@link Features#dense}), in one safetensors file: "patch_tokens" [N, L, D] (after the
 * encoder's final LayerNorm, raster order), "cls_mean" [N, D] (the mean of the normalised class
 * tokens) and "labels" [N] (I64; the dataset's class, 0 where it has none).
 */
@Command(name = "features", description = "Export a checkpoint's patch tokens and class-token mean per image.")
final class FeaturesCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a checkpoint written by jmim pretrain")
    Path checkpoint;

    @Option(
            names = "--data",
            defaultValue = "synthetic",
            description =
                    "'synthetic', 'fashion-mnist' (its test split), an image folder or a manifest.jsonl; images resized to the"
                            + " model (default ${DEFAULT-VALUE})")
    String data;

    @Option(
            names = "--images",
            defaultValue = "1000",
            description = "the first N images (synthetic: how many to make; default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--out", required = true, description = "the .safetensors file to write")
    Path out;

    private static final int BATCH = 128;

    @Override
    public Integer call() throws IOException {
        if (!out.getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException("--out " + out + ": name a .safetensors file");
        }
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1; got " + images);
        }
        MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(checkpoint);
        MaeConfig c = model.config();
        Dataset dataset = DataSources.open(data, FashionMnist.Split.TEST, images, c.imgSize(), 1_000_003, System.out);
        int n = Math.min(images, dataset.size());
        Augment resize = Augment.resize(c.imgSize());
        List<Tensor> patches = new ArrayList<>();
        List<Tensor> cls = new ArrayList<>();
        long[] labels = new long[n];
        long started = System.nanoTime();
        for (int start = 0; start < n; start += BATCH) {
            List<RgbImage> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + BATCH); i++) {
                RgbImage image = dataset.get(i);
                labels[i] = Math.max(0, image.label());
                batch.add(resize.apply(image, null));
            }
            Features.Dense dense = Features.dense(model, batch);
            patches.add(dense.patchTokens());
            cls.add(dense.clsMean());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("patch_tokens", Tensor.cat(patches, 0));
        tensors.put("cls_mean", Tensor.cat(cls, 0).contiguous());
        tensors.put("labels", Tensor.of(labels, n));
        SafeTensors.save(
                out,
                tensors,
                Map.of(
                        "checkpoint", checkpoint.toString(),
                        "data", dataset.describe(),
                        "grid", Integer.toString(c.grid()),
                        "class_tokens", Integer.toString(c.clsTokens())));
        System.out.printf(
                "%s: %d images → %s: patch_tokens [%d, %d, %d], cls_mean [%d, %d] in %.1f s%n",
                dataset.describe(),
                n,
                out,
                n,
                c.numPatches(),
                c.dim(),
                n,
                c.dim(),
                (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
