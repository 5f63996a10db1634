// reduce.cu's layer_norm backward run by the emulator, for LayerNormBackwardEmulatedTest:
//   layer_norm_emulator DIR ROWS N EPS WEIGHTED CHUNK
// reads DIR/x.bin and DIR/grad.bin (float32 [ROWS, N], little-endian) and, where WEIGHTED is 1,
// DIR/weight.bin [N]; runs the rows kernel CudaBackend picks for N, then the parameters' two passes over
// chunks of CHUNK rows; writes DIR/dx.bin, dweight.bin and dbias.bin.
#include "emulator.h"
#include "reduce.cu"

#include "files.h"

int main(int argc, char** argv) {
    if (argc != 7) {
        std::fprintf(stderr, "usage: %s DIR ROWS N EPS WEIGHTED CHUNK\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    long long rows = std::atoll(argv[2]), n = std::atoll(argv[3]), chunk = std::atoll(argv[6]);
    double eps = std::strtod(argv[4], nullptr);
    bool weighted = std::atoi(argv[5]) != 0;
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
    launch((unsigned)((rows + 7) / 8), 1, 256,
           [&] { kernel(rows, n, eps, x.data(), w, grad.data(), dx.data(), stats.data()); });
    int chunks = (int)((rows + chunk - 1) / chunk);
    std::vector<double> partial(2 * chunks * n);
    unsigned columns = (unsigned)((n + 255) / 256);
    launch(columns, chunks, 256,
           [&] { layer_norm_param_partials(rows, n, chunk, x.data(), grad.data(), stats.data(), partial.data()); });
    launch(columns, 1, 256, [&] { layer_norm_param_finish(n, chunks, partial.data(), d_weight.data(), d_bias.data()); });
    write_floats(dir + "/dx.bin", dx);
    write_floats(dir + "/dweight.bin", d_weight);
    write_floats(dir + "/dbias.bin", d_bias);
    return 0;
}
