"""The Python half of PythonInteropTest.

Reads a safetensors file written by jmim with torch, checks every tensor against the values both
sides compute from the same formula (SafeTensorsTest.values, permuted to [4, 2, 3]), and writes a
file back with each tensor changed (floats and ints doubled, U8 plus one, BOOL negated).

usage: safetensors_interop.py FROM_JMIM TO_WRITE
"""

import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "BF16": torch.bfloat16,
    "F16": torch.float16,
    "I64": torch.int64,
    "I32": torch.int32,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}


def expected(name):
    base = torch.arange(24, dtype=torch.float64)
    if name == "BOOL":
        values = base % 2 == 1
    elif name == "U8":
        values = base
    elif DTYPES[name].is_floating_point:
        values = (base - 3) * 0.75
    else:
        values = base - 3
    return values.to(DTYPES[name]).reshape(2, 3, 4).permute(2, 0, 1)


def main(source, target):
    written = {}
    with safe_open(source, framework="pt") as f:
        metadata = f.metadata()
        if metadata.get("written_by") != "jmim":
            sys.exit(f"metadata {metadata} lacks written_by=jmim")
        if sorted(f.keys()) != sorted(DTYPES):
            sys.exit(f"keys {sorted(f.keys())} != {sorted(DTYPES)}")
        for name in DTYPES:
            got = f.get_tensor(name)
            want = expected(name)
            if got.dtype != want.dtype or got.shape != want.shape or not torch.equal(got, want):
                sys.exit(f"{name}: got {got.dtype} {tuple(got.shape)}\n{got}\nwant {want.dtype}\n{want}")
            if name == "BOOL":
                written[name] = ~got
            elif name == "U8":
                written[name] = got + 1
            else:
                written[name] = got * 2
    save_file({k: v.contiguous() for k, v in written.items()}, target, metadata={"written_by": "torch"})
    print(f"checked {len(DTYPES)} tensors from jmim, wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
