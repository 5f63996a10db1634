// Arrays in and out of the emulator harnesses (float32, int64 or raw elements, little-endian, as the Java
// tests read and write them).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

// count elements of T from a file, or the harness exits with the reason.
template <typename T>
std::vector<T> read_array(const std::string& path, size_t count) {
    std::vector<T> data(count);
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f || std::fread(data.data(), sizeof(T), count, f) != count) {
        std::fprintf(stderr, "cannot read %zu elements of %zu bytes from %s\n", count, sizeof(T), path.c_str());
        std::exit(2);
    }
    std::fclose(f);
    return data;
}

template <typename T>
void write_array(const std::string& path, const std::vector<T>& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(data.data(), sizeof(T), data.size(), f) != data.size()) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(2);
    }
    std::fclose(f);
}

inline std::vector<float> read_floats(const std::string& path, size_t count) { return read_array<float>(path, count); }
inline std::vector<long long> read_longs(const std::string& path, size_t count) {
    return read_array<long long>(path, count);
}
inline std::vector<uint8_t> read_bytes(const std::string& path, size_t count) {
    return read_array<uint8_t>(path, count);
}
inline void write_floats(const std::string& path, const std::vector<float>& data) { write_array(path, data); }
inline void write_longs(const std::string& path, const std::vector<long long>& data) { write_array(path, data); }
inline void write_bytes(const std::string& path, const std::vector<uint8_t>& data) { write_array(path, data); }

// Bytes of an element of each dtype code (jmim.cuh's DType).
inline size_t element_bytes(int type) {
    static const size_t sizes[] = {8, 4, 2, 2, 8, 4, 1, 1};
    return sizes[type];
}
