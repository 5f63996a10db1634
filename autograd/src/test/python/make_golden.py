"""Writes the autograd golden files: tiny PyTorch computations with every input, the output and
every gradient, in float32, as safetensors. GoldenTest recomputes each in jmim and compares.

Each file holds the inputs under their own names, "w" (the fixed weights that reduce the output
to the scalar loss = sum(y * w)), "y" (the output) and "grad.NAME" for every input NAME.

usage: python3 make_golden.py OUT_DIR        (torch and safetensors from pip)
"""

import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file


def export(path, inputs, forward):
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = forward(**leaves)
    w = torch.randn(y.shape)
    (y * w).sum().backward()
    tensors = {k: v.detach() for k, v in inputs.items()}
    tensors["w"] = w
    tensors["y"] = y.detach()
    for k, v in leaves.items():
        tensors["grad." + k] = v.grad
    save_file({k: t.contiguous() for k, t in tensors.items()}, str(path),
              metadata={"torch": torch.__version__})
    print(f"{path}: {', '.join(f'{k} {tuple(t.shape)}' for k, t in tensors.items())}")


def mlp(x, fc1_weight, fc1_bias, fc2_weight, fc2_bias):
    # timm Mlp: Linear -> exact GELU -> Linear
    return F.linear(F.gelu(F.linear(x, fc1_weight, fc1_bias)), fc2_weight, fc2_bias)


def attention(x, qkv_weight, qkv_bias, proj_weight, proj_bias, heads=3):
    # timm 0.3.2 Attention: fused qkv, split as [3, heads, head_dim], scale head_dim^-0.5
    b, n, c = x.shape
    qkv = F.linear(x, qkv_weight, qkv_bias).reshape(b, n, 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = ((q @ k.transpose(-2, -1)) * (c // heads) ** -0.5).softmax(dim=-1)
    return F.linear((attn @ v).transpose(1, 2).reshape(b, n, c), proj_weight, proj_bias)


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    export(out / "mlp.safetensors", {
        "x": torch.randn(4, 8),
        "fc1_weight": torch.randn(16, 8) * 0.3, "fc1_bias": torch.randn(16) * 0.1,
        "fc2_weight": torch.randn(8, 16) * 0.3, "fc2_bias": torch.randn(8) * 0.1,
    }, mlp)
    export(out / "attention.safetensors", {
        "x": torch.randn(2, 5, 12),
        "qkv_weight": torch.randn(36, 12) * 0.3, "qkv_bias": torch.randn(36) * 0.1,
        "proj_weight": torch.randn(12, 12) * 0.3, "proj_bias": torch.randn(12) * 0.1,
    }, attention)
    export(out / "layer_norm.safetensors", {
        "x": torch.randn(3, 10) * 2 + 1, "weight": torch.randn(10), "bias": torch.randn(10),
    }, lambda x, weight, bias: F.layer_norm(x, (10,), weight, bias, eps=1e-6))
    export(out / "softmax.safetensors", {"x": torch.randn(3, 7) * 3}, lambda x: x.softmax(dim=-1))


if __name__ == "__main__":
    main(sys.argv[1])
