package dev.jmim.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * jmim's PTX modules (built from {@code src/main/cuda} at build time) loaded into one context: the
 * sm_90 build on compute capability 9.0 and newer, the sm_80 build below. Functions are looked up
 * once and launched on the device's stream.
 */
final class Kernels {
    /** Module of each kernel function. */
    static final Map<String, String> MODULE_OF = Map.ofEntries(
            Map.entry("unary_f32", "elementwise"),
            Map.entry("unary_f32_dense", "elementwise"),
            Map.entry("binary_f32", "elementwise"),
            Map.entry("binary_f32_dense", "elementwise"),
            Map.entry("binary_f32_rows", "elementwise"),
            Map.entry("unary_any", "elementwise"),
            Map.entry("binary_any", "elementwise"),
            Map.entry("reduce_integer", "reduce"),
            Map.entry("compare", "elementwise"),
            Map.entry("where_any", "elementwise"),
            Map.entry("cast", "elementwise"),
            Map.entry("fill", "elementwise"),
            Map.entry("transpose_4byte", "elementwise"),
            Map.entry("reduce_warp_rows", "reduce"),
            Map.entry("reduce_block_rows", "reduce"),
            Map.entry("reduce_columns", "reduce"),
            Map.entry("reduce_columns_finish", "reduce"),
            Map.entry("argmax_rows", "reduce"),
            Map.entry("softmax_rows", "reduce"),
            Map.entry("layer_norm_rows", "reduce"),
            Map.entry("layer_norm_backward_rows_256", "reduce"),
            Map.entry("layer_norm_backward_rows_512", "reduce"),
            Map.entry("layer_norm_backward_rows_768", "reduce"),
            Map.entry("layer_norm_backward_rows_1024", "reduce"),
            Map.entry("layer_norm_backward_rows_long", "reduce"),
            Map.entry("layer_norm_param_partials", "reduce"),
            Map.entry("layer_norm_param_finish", "reduce"),
            Map.entry("gather", "index"),
            Map.entry("index_select", "index"),
            Map.entry("scatter_add_f32", "index"),
            Map.entry("argsort_rows", "index"),
            Map.entry("adamw_f32", "optim"),
            Map.entry("random_f32", "random"),
            Map.entry("splat_prepare", "splat"),
            Map.entry("splat_forward", "splat"),
            Map.entry("splat_backward", "splat"),
            Map.entry("splat_gather", "splat"),
            Map.entry("attention_forward_d32", "attention"),
            Map.entry("attention_row_dots_d32", "attention"),
            Map.entry("attention_dv_d32", "attention"),
            Map.entry("attention_dk_d32", "attention"),
            Map.entry("attention_dq_d32", "attention"),
            Map.entry("attention_forward_d64", "attention"),
            Map.entry("attention_row_dots_d64", "attention"),
            Map.entry("attention_dv_d64", "attention"),
            Map.entry("attention_dk_d64", "attention"),
            Map.entry("attention_dq_d64", "attention"),
            Map.entry("attention_bf16_forward_d32", "attention_bf16"),
            Map.entry("attention_bf16_row_dots_d32", "attention_bf16"),
            Map.entry("attention_bf16_dkdv_d32", "attention_bf16"),
            Map.entry("attention_bf16_dq_d32", "attention_bf16"),
            Map.entry("attention_bf16_forward_d64", "attention_bf16"),
            Map.entry("attention_bf16_row_dots_d64", "attention_bf16"),
            Map.entry("attention_bf16_dkdv_d64", "attention_bf16"),
            Map.entry("attention_bf16_dq_d64", "attention_bf16"));

    static final List<String> MODULES =
            List.of("elementwise", "reduce", "index", "optim", "random", "splat", "attention", "attention_bf16");

    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final MemorySegment stream;
    private final int multiprocessors;

    Kernels(int computeMajor, int multiprocessors, MemorySegment stream) {
        this.stream = stream;
        this.multiprocessors = multiprocessors;
        String arch = computeMajor >= 9 ? "sm_90" : "sm_80";
        for (String module : MODULES) {
            modules.put(module, Cuda.loadModule(ptx(module, arch)));
        }
    }

    /** The PTX text of a module, or a clear error where the build had no nvcc. */
    static String ptx(String module, String arch) {
        String resource = "ptx/" + module + "." + arch + ".ptx";
        try (InputStream in = Kernels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("jmim's CUDA kernels are missing (" + resource + "): this build"
                        + " of jmim-cuda-bindings ran without nvcc; rebuild with the CUDA toolkit installed");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** A grid-stride launch over n elements: 256 threads a block, at most 32 blocks per multiprocessor. */
    void elementwise(String name, long n, Launch arguments) {
        if (n > 0) {
            launch(name, Math.min((n + 255) / 256, 32L * multiprocessors), 1, 256, arguments);
        } else {
            arguments.close();
        }
    }

    /** One warp per row, eight rows a block. */
    void warpRows(String name, long rows, Launch arguments) {
        if (rows > 0) {
            launch(name, (rows + 7) / 8, 1, 256, arguments);
        } else {
            arguments.close();
        }
    }

    /** One block of 256 threads per row. */
    void blockRows(String name, long rows, Launch arguments) {
        launch(name, rows, 1, 256, arguments);
    }

    /** A grid of {@code columns × chunks} blocks of 256 threads (the columns reduction's first pass). */
    void grid(String name, long blocksX, int blocksY, Launch arguments) {
        launch(name, blocksX, blocksY, 256, arguments);
    }

    /** A grid of {@code blocksX × blocksY} blocks of {@code threads} threads. */
    void blocks(String name, long blocksX, int blocksY, int threads, Launch arguments) {
        launch(name, blocksX, blocksY, threads, arguments);
    }

    /** 32×32 tiles of a rows × cols matrix, a block of 32×8 threads each. */
    void tiles(String name, int rows, int cols, Launch arguments) {
        launch(name, (cols + 31) / 32, (rows + 31) / 32, 32, 8, arguments);
    }

    private void launch(String name, long blocksX, int blocksY, int threads, Launch arguments) {
        launch(name, blocksX, blocksY, threads, 1, arguments);
    }

    private void launch(String name, long blocksX, int blocksY, int threadsX, int threadsY, Launch arguments) {
        MemorySegment function = functions.computeIfAbsent(name, this::lookUp);
        try (arguments) {
            Cuda.launch(function, name, blocksX, blocksY, threadsX, threadsY, 0, stream, arguments.parameters());
        }
    }

    private MemorySegment lookUp(String name) {
        String module = MODULE_OF.get(name);
        if (module == null) {
            throw new IllegalArgumentException("no CUDA kernel named " + name);
        }
        return Cuda.function(modules.get(module), name);
    }
}
