// index.cu's kernels run by the emulator, for IndexEmulatedTest (little-endian files; x.bin float32
// [ROWS, N], index.bin int64 [ROWS, K]):
//   index_emulator argsort DIR ROWS N DESCENDING      x.bin → out.bin (int64 [ROWS, N])
//   index_emulator gather DIR ROWS N K                x.bin, index.bin → out.bin (float32 [ROWS, K]), bad.bin
//   index_emulator scatter_add DIR ROWS N K           index.bin, src.bin [ROWS, K] → out.bin ([ROWS, N],
//                                                     from zeros), bad.bin
//   index_emulator index_select DIR ROWS N K          x.bin, index.bin (int64 [K]) → out.bin ([ROWS, K]), bad.bin
// along dim 1; bad.bin (int64) is the position of an index out of range, or -1.
#include "emulator.h"
#include "index.cu"

#include "files.h"

static View matrix(long long rows, long long cols) {
    View v{};
    v.rank = 2;
    v.shape[0] = (int)rows;
    v.shape[1] = (int)cols;
    v.strides[0] = cols;
    v.strides[1] = 1;
    v.dense = 1;
    return v;
}

static void grid(long long n, const std::function<void()>& kernel) { launch((unsigned)((n + 255) / 256), 1, 256, kernel); }

int main(int argc, char** argv) {
    std::string mode = argc > 2 ? argv[1] : "", dir = argc > 2 ? argv[2] : "";
    if (mode == "argsort" && argc == 6) {
        long long rows = std::atoll(argv[3]);
        int n = std::atoi(argv[4]), descending = std::atoi(argv[5]);
        std::vector<float> x = read_floats(dir + "/x.bin", rows * n);
        std::vector<long long> out(rows * n);
        launch((unsigned)rows, 1, 256, [&] { argsort_rows(F32, descending, n, x.data(), matrix(rows, n), out.data()); });
        write_longs(dir + "/out.bin", out);
        return 0;
    }
    if (mode == "index_select" && argc == 6) {
        long long rows = std::atoll(argv[3]), n = std::atoll(argv[4]), k = std::atoll(argv[5]);
        std::vector<float> x = read_floats(dir + "/x.bin", rows * n), out(rows * k);
        std::vector<long long> index = read_longs(dir + "/index.bin", k), bad = {-1};
        grid(rows * k, [&] {
            index_select(4, 1, (int)n, rows * k, x.data(), matrix(rows, n), index.data(), matrix(rows, k), out.data(),
                         bad.data());
        });
        write_floats(dir + "/out.bin", out);
        write_longs(dir + "/bad.bin", bad);
        return 0;
    }
    if ((mode == "gather" || mode == "scatter_add") && argc == 6) {
        long long rows = std::atoll(argv[3]), n = std::atoll(argv[4]), k = std::atoll(argv[5]);
        std::vector<long long> index = read_longs(dir + "/index.bin", rows * k), bad = {-1};
        if (mode == "gather") {
            std::vector<float> x = read_floats(dir + "/x.bin", rows * n), out(rows * k);
            grid(rows * k, [&] {
                gather(4, 1, (int)n, rows * k, x.data(), matrix(rows, n), index.data(), matrix(rows, k), out.data(),
                       bad.data());
            });
            write_floats(dir + "/out.bin", out);
        } else {
            std::vector<float> src = read_floats(dir + "/src.bin", rows * k), out(rows * n);
            grid(rows * k, [&] {
                scatter_add_f32(1, (int)n, rows * k, out.data(), matrix(rows, n), index.data(), matrix(rows, k),
                                src.data(), matrix(rows, k), bad.data());
            });
            write_floats(dir + "/out.bin", out);
        }
        write_longs(dir + "/bad.bin", bad);
        return 0;
    }
    std::fprintf(stderr, "%s: unknown mode or wrong argument count (see the comment atop the source)\n", argv[0]);
    return 2;
}
