"""Writes the nn golden files from PyTorch and timm (dev-only; the outputs are committed).

  block.safetensors       one timm Block (dim 24, 3 heads, eps 1e-6): its state dict under
                          "param.", input x, weights w, output y = block(x), loss = sum(y * w),
                          "grad.x" and "grad.param.NAME" for every parameter
  vit_tiny.safetensors    a timm VisionTransformer (32 px, patch 8, width 24, depth 2, 3 heads,
                          10 classes) state dict exactly as timm names it
  vit_tiny_io.safetensors images x, weights w, logits y, "grad.x" and "grad.param.NAME"
  optim.safetensors       AdamW (betas 0.9/0.95, wd 0.05 on the matrix only) and LARS (MAE's
                          util/lars.py rule) over 3 steps with fixed gradients: "p0.*" start values,
                          "g{t}.*" gradients, "adamw{t}.*" / "lars{t}.*" values after step t
  losses.safetensors      cross-entropy (label smoothing 0 and 0.1) of logits [6, 5] and labels, with
                          input gradients
  batchnorm.safetensors   BatchNorm1d(6, eps 1e-6), affine and not: a training step on x [8, 6]
                          (output, running stats), then eval on x2
  sincos.safetensors      the official MAE 2-D sin-cos table (numpy, float64 → float32) for
                          (D 16, G 4, cls) and (D 24, G 3, no cls)

usage: python3 make_golden.py OUT_DIR
torch and timm from pip; timm's optional torchvision imports are stubbed (tools/python).
"""

import sys
import types
from functools import partial
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file


sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tools" / "python"))
from timm_without_torchvision import stub_torchvision  # noqa: E402

stub_torchvision()
from timm.models.vision_transformer import Block, VisionTransformer  # noqa: E402


def randomize(module, generator_seed):
    g = torch.Generator().manual_seed(generator_seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)


def export_module(path, module, x):
    x = x.clone().requires_grad_(True)
    y = module(x)
    w = torch.randn(y.shape)
    (y * w).sum().backward()
    tensors = {"x": x.detach(), "w": w, "y": y.detach(), "grad.x": x.grad}
    for name, p in module.named_parameters():
        tensors["param." + name] = p.detach()
        tensors["grad.param." + name] = p.grad
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))
    return tensors


def lars_step(p, g, mu, lr, wd=1e-4, momentum=0.9, trust=0.001):
    # MAE util/lars.py: decay + trust ratio for ndim > 1, then momentum for all
    if p.ndim > 1:
        g = g + wd * p
        pn, gn = torch.norm(p), torch.norm(g)
        q = trust * pn / gn if pn > 0 and gn > 0 else torch.tensor(1.0)
        g = g * q
    mu.mul_(momentum).add_(g)
    p.add_(mu, alpha=-lr)


def export_optim(path):
    g = torch.Generator().manual_seed(3)
    start = {"weight": torch.randn(4, 3, generator=g), "bias": torch.randn(3, generator=g)}
    grads = [{k: torch.randn(v.shape, generator=g) for k, v in start.items()} for _ in range(3)]
    tensors = {f"p0.{k}": v for k, v in start.items()}
    adam = {k: torch.nn.Parameter(v.clone()) for k, v in start.items()}
    opt = torch.optim.AdamW([{"params": [adam["weight"]], "weight_decay": 0.05},
                             {"params": [adam["bias"]], "weight_decay": 0.0}], lr=1e-2, betas=(0.9, 0.95))
    lars = {k: v.clone() for k, v in start.items()}
    mus = {k: torch.zeros_like(v) for k, v in start.items()}
    for t, grad in enumerate(grads, 1):
        for k in start:
            tensors[f"g{t}.{k}"] = grad[k]
            adam[k].grad = grad[k].clone()
            lars_step(lars[k], grad[k], mus[k], lr=0.1)
            tensors[f"lars{t}.{k}"] = lars[k].clone()
        opt.step()
        for k in start:
            tensors[f"adamw{t}.{k}"] = adam[k].detach().clone()
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))


def export_losses(path):
    logits = torch.randn(6, 5) * 2
    labels = torch.tensor([0, 4, 2, 2, 1, 3])
    tensors = {"logits": logits, "labels": labels}
    for smoothing, key in ((0.0, "ce"), (0.1, "ce_ls")):
        x = logits.clone().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(x, labels, label_smoothing=smoothing)
        loss.backward()
        tensors[key] = loss.detach().reshape(1)
        tensors["grad." + key] = x.grad
    save_file(tensors, str(path))


def export_batchnorm(path):
    x, x2 = torch.randn(8, 6) * 3 + 1, torch.randn(4, 6)
    tensors = {"x": x, "x2": x2}
    for affine in (False, True):
        bn = torch.nn.BatchNorm1d(6, eps=1e-6, affine=affine)
        if affine:
            with torch.no_grad():
                bn.weight.copy_(torch.randn(6))
                bn.bias.copy_(torch.randn(6))
            tensors["affine.weight"], tensors["affine.bias"] = bn.weight.detach().clone(), bn.bias.detach().clone()
        key = "affine" if affine else "plain"
        tensors[key + ".train_out"] = bn.train()(x).detach()
        tensors[key + ".running_mean"] = bn.running_mean.clone()
        tensors[key + ".running_var"] = bn.running_var.clone()
        tensors[key + ".eval_out"] = bn.eval()(x2).detach()
    save_file(tensors, str(path))


def official_sincos(dim, grid, cls_token):
    # util/pos_embed.py semantics: meshgrid(w, h) puts the column first; float64 then float32
    omega = 1.0 / 10000 ** (np.arange(dim // 4, dtype=np.float64) / (dim / 4.0))
    rows, cols = np.meshgrid(np.arange(grid, dtype=np.float64), np.arange(grid, dtype=np.float64), indexing="ij")

    def encode(pos):
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)

    table = np.concatenate([encode(cols), encode(rows)], axis=1)
    if cls_token:
        table = np.concatenate([np.zeros([1, dim]), table], axis=0)
    return torch.from_numpy(table.astype(np.float32)).unsqueeze(0)


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    norm = partial(torch.nn.LayerNorm, eps=1e-6)

    block = Block(dim=24, num_heads=3, mlp_ratio=4.0, qkv_bias=True, norm_layer=norm)
    randomize(block, 1)
    export_module(out / "block.safetensors", block, torch.randn(2, 5, 24))

    vit = VisionTransformer(img_size=32, patch_size=8, in_chans=3, num_classes=10, embed_dim=24, depth=2,
                            num_heads=3, mlp_ratio=4.0, qkv_bias=True, norm_layer=norm)
    randomize(vit, 2)
    save_file({k: v.contiguous() for k, v in vit.state_dict().items()}, str(out / "vit_tiny.safetensors"))
    export_module(out / "vit_tiny_io.safetensors", vit, torch.randn(2, 3, 32, 32))

    export_optim(out / "optim.safetensors")
    export_losses(out / "losses.safetensors")
    export_batchnorm(out / "batchnorm.safetensors")
    save_file({"d16_g4_cls": official_sincos(16, 4, True), "d24_g3": official_sincos(24, 3, False)},
              str(out / "sincos.safetensors"))
    print("keys of the timm state dict:", list(vit.state_dict().keys()))


if __name__ == "__main__":
    main(sys.argv[1])
