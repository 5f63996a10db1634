package dev.jmim.mae.cli;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jmim demo}: a short tour of the tensor core that prints what each step computed. */
@Command(name = "demo", description = "Print jmim info, then a short tour of the tensor core.")
public final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        InfoCommand.print(out);

        Tensor x = Tensor.arange(0, 6, 1, DType.F32).reshape(2, 3);
        section(out, "x = arange(6).reshape(2, 3)", x);
        section(out, "x + [10, 20, 30]   (broadcast)", x.add(Tensor.of(new float[] {10, 20, 30})));
        section(out, "x @ x.T", x.matmul(x.mT()));
        section(out, "softmax(x, dim=-1)", x.softmax(-1));
        section(out, "layer_norm(x, [3], eps=1e-6)", x.layerNorm(new int[] {3}, null, null, 1e-6));
        section(out, "gelu(x - 2.5)", x.sub(2.5).gelu());
        section(out, "x.sum(dim=0)", x.sum(0));
        section(out, "x.argmax(dim=1)", x.argmax(1, false));
        section(
                out,
                "stack([x, x * x]).var(dim=0, unbiased)",
                Tensor.stack(List.of(x, x.mul(x)), 0).var(new int[] {0}, 1, false));

        Tensor z = Tensor.randn(new Generator(42), 100_000);
        out.printf(
                "%nrandn(seed 42, 100k): mean %.4f, std %.4f (Philox4x32-10; same numbers on any device)%n",
                z.mean().item(), z.var(new int[0], 1, false).sqrt().item());
        out.printf(
                "rand(seed 7) first values %s, again %s%n",
                Tensor.rand(new Generator(7), 3), Tensor.rand(new Generator(7), 3));

        long before = HostStorage.stats().heldBytes();
        try (Scope _ = Scope.open()) {
            Tensor big = Tensor.randn(new Generator(1), 512, 512);
            big.matmul(big.mT()).softmax(-1).sum();
            out.printf(
                    "%ninside a scope:  %,d bytes of tensors live%n",
                    HostStorage.stats().heldBytes() - before);
        }
        out.printf(
                "after it closes: %,d bytes (temporaries freed at once, no GC)%n",
                HostStorage.stats().heldBytes() - before);

        Path file = Files.createTempFile("jmim-demo", ".safetensors");
        try {
            SafeTensors.save(file, Map.of("x", x, "z", z.narrow(0, 0, 4)), Map.of("made_by", "jmim demo"));
            Map<String, Tensor> back = SafeTensors.load(file);
            out.printf(
                    "safetensors round trip: %,d bytes, x equal: %b, z equal: %b%n",
                    Files.size(file),
                    back.get("x").allClose(x, 0, 0),
                    back.get("z").allClose(z.narrow(0, 0, 4), 0, 0));
        } finally {
            Files.deleteIfExists(file);
        }
        return 0;
    }

    private static void section(PrintStream out, String title, Tensor value) {
        out.printf("%n%s%n%s%n", title, value);
    }
}
