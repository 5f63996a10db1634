// reduce.cu's kernels run by the emulator, for ReduceEmulatedTest (float32 files, little-endian; x.bin is
// [ROWS, N] row-major):
//   reduce_emulator reduce DIR OP STRATEGY ROWS N     x.bin → out.bin: OP (ReduceOp's ordinal) over each row
//     (STRATEGY warp or block: the rows strategies) or over each column (columns: the two-pass one, in
//     chunks of CudaBackend's size given as a 7th argument)
//   reduce_emulator reduce_integer DIR OP TYPE OUT_TYPE ROWS N   x.bin (raw elements of TYPE) → out.bin
//     (OUT_TYPE): OP over each row, exactly
//   reduce_emulator argmax DIR ROWS N                 x.bin → out.bin (int64 [ROWS])
//   reduce_emulator softmax DIR LOG ROWS N            x.bin → out.bin
//   reduce_emulator layer_norm DIR ROWS N EPS AFFINE  x.bin (weight.bin, bias.bin) → out.bin
//   reduce_emulator layer_norm_backward DIR ROWS N EPS WEIGHTED CHUNK
//     x.bin, grad.bin (weight.bin) → dx.bin, dweight.bin, dbias.bin: the rows kernel CudaBackend picks
//     for N, then the parameters' two passes over chunks of CHUNK rows
#include "emulator.h"
#include "reduce.cu"

#include "files.h"

static View vector_view(long long n, long long stride) {
    View v{};
    v.rank = 1;
    v.shape[0] = (int)n;
    v.strides[0] = stride;
    v.dense = stride == 1;
    return v;
}

// One warp a row, eight rows a block (Kernels.warpRows).
static void warp_rows(long long rows, const std::function<void()>& kernel) {
    launch((unsigned)((rows + 7) / 8), 1, 256, kernel);
}

static int reduce(const std::string& dir, int op, const std::string& strategy, long long rows, long long n,
                  long long chunk) {
    std::vector<float> x = read_floats(dir + "/x.bin", rows * n);
    if (strategy == "columns") {
        std::vector<float> out(n);
        int chunks = (int)((rows + chunk - 1) / chunk);
        std::vector<double> partial(chunks * n);
        View kept = vector_view(n, 1), reduced = vector_view(rows, n);
        launch((unsigned)((n + 255) / 256), chunks, 256,
               [&] { reduce_columns(op, F32, n, rows, chunk, x.data(), kept, reduced, partial.data()); });
        launch((unsigned)((n + 255) / 256), 1, 256,
               [&] { reduce_columns_finish(op, n, chunks, partial.data(), F32, out.data()); });
        write_floats(dir + "/out.bin", out);
        return 0;
    }
    std::vector<float> out(rows);
    View kept = vector_view(rows, n), reduced = vector_view(n, 1);
    if (strategy == "warp") {
        warp_rows(rows, [&] { reduce_warp_rows(op, F32, rows, n, x.data(), kept, reduced, F32, out.data()); });
    } else if (strategy == "block") {
        launch((unsigned)rows, 1, 256, [&] { reduce_block_rows(op, F32, n, x.data(), kept, reduced, F32, out.data()); });
    } else {
        std::fprintf(stderr, "strategy %s: warp, block or columns\n", strategy.c_str());
        return 2;
    }
    write_floats(dir + "/out.bin", out);
    return 0;
}

static void layer_norm_backward(const std::string& dir, long long rows, long long n, double eps, bool weighted,
                                long long chunk) {
    std::vector<float> x = read_floats(dir + "/x.bin", rows * n), grad = read_floats(dir + "/grad.bin", rows * n);
    std::vector<float> weight = weighted ? read_floats(dir + "/weight.bin", n) : std::vector<float>();
    std::vector<float> dx(rows * n), d_weight(n), d_bias(n);
    std::vector<double> stats(2 * rows);
    auto kernel = n <= 256    ? layer_norm_backward_rows_256
                  : n <= 512  ? layer_norm_backward_rows_512
                  : n <= 768  ? layer_norm_backward_rows_768
                  : n <= 1024 ? layer_norm_backward_rows_1024
                              : layer_norm_backward_rows_long;
    const float* w = weighted ? weight.data() : nullptr;
    warp_rows(rows, [&] { kernel(rows, n, eps, x.data(), w, grad.data(), dx.data(), stats.data()); });
    int chunks = (int)((rows + chunk - 1) / chunk);
    std::vector<double> partial(2 * chunks * n);
    unsigned columns = (unsigned)((n + 255) / 256);
    launch(columns, chunks, 256,
           [&] { layer_norm_param_partials(rows, n, chunk, x.data(), grad.data(), stats.data(), partial.data()); });
    launch(columns, 1, 256, [&] { layer_norm_param_finish(n, chunks, partial.data(), d_weight.data(), d_bias.data()); });
    write_floats(dir + "/dx.bin", dx);
    write_floats(dir + "/dweight.bin", d_weight);
    write_floats(dir + "/dbias.bin", d_bias);
}

int main(int argc, char** argv) {
    std::string mode = argc > 2 ? argv[1] : "", dir = argc > 2 ? argv[2] : "";
    if (mode == "reduce" && (argc == 7 || argc == 8)) {
        return reduce(dir, std::atoi(argv[3]), argv[4], std::atoll(argv[5]), std::atoll(argv[6]),
                      argc == 8 ? std::atoll(argv[7]) : 1);
    }
    if (mode == "reduce_integer" && argc == 8) {
        int op = std::atoi(argv[3]), type = std::atoi(argv[4]), out_type = std::atoi(argv[5]);
        long long rows = std::atoll(argv[6]), n = std::atoll(argv[7]);
        std::vector<uint8_t> x = read_bytes(dir + "/x.bin", rows * n * element_bytes(type));
        std::vector<uint8_t> out(rows * element_bytes(out_type));
        View kept = vector_view(rows, n), reduced = vector_view(n, 1);
        launch((unsigned)((rows + 255) / 256), 1, 256,
               [&] { reduce_integer(op, type, rows, n, x.data(), kept, reduced, out_type, out.data()); });
        write_bytes(dir + "/out.bin", out);
        return 0;
    }
    if (mode == "argmax" && argc == 5) {
        long long rows = std::atoll(argv[3]), n = std::atoll(argv[4]);
        std::vector<float> x = read_floats(dir + "/x.bin", rows * n);
        std::vector<long long> out(rows);
        warp_rows(rows, [&] { argmax_rows(F32, rows, n, x.data(), vector_view(rows, n), vector_view(n, 1), out.data()); });
        write_longs(dir + "/out.bin", out);
        return 0;
    }
    if (mode == "softmax" && argc == 6) {
        int log = std::atoi(argv[3]);
        long long rows = std::atoll(argv[4]), n = std::atoll(argv[5]);
        std::vector<float> x = read_floats(dir + "/x.bin", rows * n), out(rows * n);
        warp_rows(rows, [&] { softmax_rows(log, rows, n, x.data(), out.data()); });
        write_floats(dir + "/out.bin", out);
        return 0;
    }
    if (mode == "layer_norm" && argc == 7) {
        long long rows = std::atoll(argv[3]), n = std::atoll(argv[4]);
        double eps = std::strtod(argv[5], nullptr);
        bool affine = std::atoi(argv[6]) != 0;
        std::vector<float> x = read_floats(dir + "/x.bin", rows * n), out(rows * n);
        std::vector<float> weight = affine ? read_floats(dir + "/weight.bin", n) : std::vector<float>();
        std::vector<float> bias = affine ? read_floats(dir + "/bias.bin", n) : std::vector<float>();
        warp_rows(rows, [&] {
            layer_norm_rows(rows, n, eps, x.data(), affine ? weight.data() : nullptr, affine ? bias.data() : nullptr,
                            out.data());
        });
        write_floats(dir + "/out.bin", out);
        return 0;
    }
    if (mode == "layer_norm_backward" && argc == 8) {
        layer_norm_backward(dir, std::atoll(argv[3]), std::atoll(argv[4]), std::strtod(argv[5], nullptr),
                            std::atoi(argv[6]) != 0, std::atoll(argv[7]));
        return 0;
    }
    std::fprintf(stderr, "%s: unknown mode or wrong argument count (see the comment atop the source)\n", argv[0]);
    return 2;
}
