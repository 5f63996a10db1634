// elementwise.cu's F32 arithmetic, random.cu's Philox fills and optim.cu's AdamW run by the emulator, for
// ElementwiseEmulatedTest (float32 files, little-endian):
//   elementwise_emulator unary DIR OP ROWS COLS TRANSPOSED    x.bin → out.bin
//   elementwise_emulator binary DIR OP ROWS COLS TRANSPOSED   a.bin, b.bin → out.bin
//     the dense float4 kernel, or where TRANSPOSED is 1 the strided one reading the inputs, [ROWS, COLS]
//     row-major, as their [COLS, ROWS] transposes (out is then that transpose, dense)
//   elementwise_emulator unary_any DIR OP TYPE OUT_TYPE ROWS COLS TRANSPOSED    x.bin → out.bin
//   elementwise_emulator binary_any DIR OP TYPE OUT_TYPE ROWS COLS TRANSPOSED   a.bin, b.bin → out.bin
//     the same for the other dtypes (codes of jmim.cuh's DType), raw elements of TYPE in, OUT_TYPE out
//   elementwise_emulator binary_rows DIR OP ROWS COLS B   a.bin ([ROWS, COLS]), b.bin → out.bin: the
//     row-broadcast kernel, b a row of COLS repeated down the rows (B = row) or a column of ROWS (column)
//   elementwise_emulator cast DIR FROM TO N               x.bin (raw FROM) → out.bin (raw TO)
//   elementwise_emulator compare DIR OP TYPE N            a.bin, b.bin (raw TYPE) → out.bin (BOOL)
//   elementwise_emulator fill DIR TYPE N VALUE AS_LONG    → out.bin (raw TYPE)
//   elementwise_emulator where DIR TYPE N                 cond.bin (BOOL), a.bin, b.bin (raw TYPE) → out.bin
//   elementwise_emulator transpose DIR ROWS COLS          x.bin (float32 [COLS, ROWS]) → out.bin ([ROWS, COLS])
//   elementwise_emulator random DIR DIST N SEED STREAM OFFSET A B C D   → out.bin
//   elementwise_emulator adamw DIR N DECAY BETA1 1-BETA1 BETA2 1-BETA2 SQRT_CORRECTION2 EPS STEP_SIZE
//     param.bin, grad.bin, m.bin, v.bin → param.bin, m.bin, v.bin
#include "emulator.h"
#include "elementwise.cu"
#include "optim.cu"
#include "random.cu"

#include "files.h"

static View dense_view(long long n) {
    View v{};
    v.rank = 1;
    v.shape[0] = (int)n;
    v.strides[0] = 1;
    v.dense = 1;
    return v;
}

// [cols, rows] over a row-major [rows, cols] buffer.
static View transposed_view(int rows, int cols) {
    View v{};
    v.rank = 2;
    v.shape[0] = cols;
    v.shape[1] = rows;
    v.strides[0] = 1;
    v.strides[1] = cols;
    return v;
}

static void grid(long long n, const std::function<void()>& kernel) { launch((unsigned)((n + 255) / 256), 1, 256, kernel); }

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s unary|binary|random|adamw DIR ...\n", argv[0]);
        return 2;
    }
    std::string mode = argv[1], dir = argv[2];
    if ((mode == "unary" || mode == "binary") && argc == 7) {
        int op = std::atoi(argv[3]), rows = std::atoi(argv[4]), cols = std::atoi(argv[5]);
        bool transposed = std::atoi(argv[6]) != 0;
        long long n = (long long)rows * cols;
        std::vector<float> a = read_floats(dir + (mode == "unary" ? "/x.bin" : "/a.bin"), n), out(n);
        std::vector<float> b = mode == "binary" ? read_floats(dir + "/b.bin", n) : std::vector<float>();
        View in = transposed ? transposed_view(rows, cols) : dense_view(n), o = dense_view(n);
        grid(n, [&] {
            if (mode == "unary" && transposed) unary_f32(op, n, a.data(), in, out.data(), o);
            if (mode == "unary" && !transposed) unary_f32_dense(op, n, a.data(), out.data());
            if (mode == "binary" && transposed) binary_f32(op, n, a.data(), in, b.data(), in, out.data(), o);
            if (mode == "binary" && !transposed) binary_f32_dense(op, n, a.data(), b.data(), out.data());
        });
        write_floats(dir + "/out.bin", out);
    } else if ((mode == "unary_any" || mode == "binary_any") && argc == 9) {
        int op = std::atoi(argv[3]), type = std::atoi(argv[4]), out_type = std::atoi(argv[5]);
        int rows = std::atoi(argv[6]), cols = std::atoi(argv[7]);
        bool transposed = std::atoi(argv[8]) != 0;
        long long n = (long long)rows * cols;
        bool unary = mode == "unary_any";
        std::vector<uint8_t> a = read_bytes(dir + (unary ? "/x.bin" : "/a.bin"), n * element_bytes(type));
        std::vector<uint8_t> b = unary ? std::vector<uint8_t>() : read_bytes(dir + "/b.bin", n * element_bytes(type));
        std::vector<uint8_t> out(n * element_bytes(out_type));
        View in = transposed ? transposed_view(rows, cols) : dense_view(n), o = dense_view(n);
        grid(n, [&] {
            if (unary) {
                unary_any(op, type, n, a.data(), in, out_type, out.data(), o);
            } else {
                binary_any(op, n, type, a.data(), in, type, b.data(), in, out_type, out.data(), o);
            }
        });
        write_bytes(dir + "/out.bin", out);
    } else if (mode == "binary_rows" && argc == 7) {
        int op = std::atoi(argv[3]), rows = std::atoi(argv[4]), cols = std::atoi(argv[5]);
        bool row = std::string(argv[6]) == "row";
        long long n = (long long)rows * cols;
        std::vector<float> a = read_floats(dir + "/a.bin", n), b = read_floats(dir + "/b.bin", row ? cols : rows),
                           out(n);
        grid(n / 4, [&] {
            binary_f32_rows(op, n, cols, a.data(), cols, 1, b.data(), row ? 0 : 1, row ? 1 : 0, out.data(), cols);
        });
        write_floats(dir + "/out.bin", out);
    } else if (mode == "cast" && argc == 6) {
        int from = std::atoi(argv[3]), to = std::atoi(argv[4]);
        long long n = std::atoll(argv[5]);
        std::vector<uint8_t> x = read_bytes(dir + "/x.bin", n * element_bytes(from)), out(n * element_bytes(to));
        grid(n, [&] { cast(n, from, x.data(), dense_view(n), to, out.data(), dense_view(n)); });
        write_bytes(dir + "/out.bin", out);
    } else if (mode == "compare" && argc == 6) {
        int op = std::atoi(argv[3]), type = std::atoi(argv[4]);
        long long n = std::atoll(argv[5]);
        std::vector<uint8_t> a = read_bytes(dir + "/a.bin", n * element_bytes(type)),
                             b = read_bytes(dir + "/b.bin", n * element_bytes(type)), out(n);
        grid(n, [&] { compare(op, type, n, a.data(), dense_view(n), b.data(), dense_view(n), out.data(), dense_view(n)); });
        write_bytes(dir + "/out.bin", out);
    } else if (mode == "fill" && argc == 7) {
        int type = std::atoi(argv[3]);
        long long n = std::atoll(argv[4]), as_long = std::atoll(argv[6]);
        double value = std::strtod(argv[5], nullptr);
        std::vector<uint8_t> out(n * element_bytes(type));
        grid(n, [&] { fill(n, type, value, as_long, out.data(), dense_view(n)); });
        write_bytes(dir + "/out.bin", out);
    } else if (mode == "where" && argc == 5) {
        int type = std::atoi(argv[3]);
        long long n = std::atoll(argv[4]);
        size_t bytes = element_bytes(type);
        std::vector<uint8_t> cond = read_bytes(dir + "/cond.bin", n), a = read_bytes(dir + "/a.bin", n * bytes),
                             b = read_bytes(dir + "/b.bin", n * bytes), out(n * bytes);
        View v = dense_view(n);
        grid(n, [&] { where_any((int)bytes, n, cond.data(), v, a.data(), v, b.data(), v, out.data(), v); });
        write_bytes(dir + "/out.bin", out);
    } else if (mode == "transpose" && argc == 5) {
        int rows = std::atoi(argv[3]), cols = std::atoi(argv[4]);
        std::vector<float> x = read_floats(dir + "/x.bin", (long long)rows * cols), out((long long)rows * cols);
        // Kernels.tiles: 32 × 32 tiles, a block of 32 × 8 threads each
        launch((cols + 31) / 32, (rows + 31) / 32, 32, 8, [&] {
            transpose_4byte(rows, cols, reinterpret_cast<const uint32_t*>(x.data()), reinterpret_cast<uint32_t*>(out.data()));
        });
        write_floats(dir + "/out.bin", out);
    } else if (mode == "random" && argc == 12) {
        int distribution = std::atoi(argv[3]);
        long long n = std::atoll(argv[4]);
        unsigned long long seed = std::strtoull(argv[5], nullptr, 10), stream = std::strtoull(argv[6], nullptr, 10),
                           offset = std::strtoull(argv[7], nullptr, 10);
        double p[4];
        for (int i = 0; i < 4; i++) p[i] = std::strtod(argv[8 + i], nullptr);
        std::vector<float> out(n);
        grid(n, [&] { random_f32(distribution, n, seed, stream, offset, p[0], p[1], p[2], p[3], out.data()); });
        write_floats(dir + "/out.bin", out);
    } else if (mode == "adamw" && argc == 12) {
        long long n = std::atoll(argv[3]);
        float f[8];
        for (int i = 0; i < 8; i++) f[i] = std::strtof(argv[4 + i], nullptr);
        std::vector<float> param = read_floats(dir + "/param.bin", n), grad = read_floats(dir + "/grad.bin", n),
                           m = read_floats(dir + "/m.bin", n), v = read_floats(dir + "/v.bin", n);
        grid(n, [&] {
            adamw_f32(n, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], param.data(), grad.data(), m.data(), v.data());
        });
        write_floats(dir + "/param.bin", param);
        write_floats(dir + "/m.bin", m);
        write_floats(dir + "/v.bin", v);
    } else {
        std::fprintf(stderr, "%s: unknown mode or wrong argument count (see the comment atop the source)\n", argv[0]);
        return 2;
    }
    return 0;
}
