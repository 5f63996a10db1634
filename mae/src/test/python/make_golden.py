"""Writes the MAE golden file from PyTorch and timm (dev-only; the output is committed).

  mae_tiny.safetensors   a 2-block MAE (32 px, patch 8 → L = 16, width 24, 3 heads; decoder width 16,
                         2 blocks, 2 heads; mlp 4; LayerNorm eps 1e-6; norm-pix loss), written from
                         the semantics of the official models_mae.py (../shared/reference/methods.md
                         §1.3) with timm's Block:
                         "param.NAME"       its state dict under the official names (random values;
                                            the pos embeds are the fixed 2-D sin-cos tables)
                         "imgs" [2, 3, 32, 32], "noise" [2, 16]   the inputs, mask ratio 0.75
                         "loss", "pred" [2, 16, 192], "mask" [2, 16], "ids_restore" [2, 16]
                         "grad.param.NAME"  the gradient of the loss for every trainable parameter

usage: python3 make_golden.py OUT_DIR      (torch and timm from pip)
"""

import sys
from functools import partial
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tools" / "python"))
from timm_without_torchvision import stub_torchvision  # noqa: E402

stub_torchvision()
from timm.models.vision_transformer import Block, PatchEmbed  # noqa: E402


def sincos_table(dim, grid, cls_token):
    """The official 2-D table: first half the column, second half the row; float64 → float32."""
    quarter = dim // 4
    omega = 1.0 / 10000 ** (np.arange(quarter, dtype=np.float64) / quarter)
    rows = []
    for token in range(grid * grid):
        y, x = divmod(token, grid)
        rows.append(np.concatenate([np.sin(x * omega), np.cos(x * omega), np.sin(y * omega), np.cos(y * omega)]))
    table = np.stack(rows)
    if cls_token:
        table = np.concatenate([np.zeros((1, dim)), table])
    return torch.from_numpy(table.astype(np.float32)).unsqueeze(0)


class TinyMae(torch.nn.Module):
    def __init__(self, img=32, patch=8, dim=24, depth=2, heads=3, dec_dim=16, dec_depth=2, dec_heads=2):
        super().__init__()
        self.patch = patch
        self.patch_embed = PatchEmbed(img, patch, 3, dim)
        grid = img // patch
        self.cls_token = torch.nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = torch.nn.Parameter(sincos_table(dim, grid, True), requires_grad=False)
        norm = partial(torch.nn.LayerNorm, eps=1e-6)
        self.blocks = torch.nn.ModuleList([Block(dim, heads, 4.0, qkv_bias=True, norm_layer=norm) for _ in range(depth)])
        self.norm = norm(dim)
        self.decoder_embed = torch.nn.Linear(dim, dec_dim)
        self.mask_token = torch.nn.Parameter(torch.zeros(1, 1, dec_dim))
        self.decoder_pos_embed = torch.nn.Parameter(sincos_table(dec_dim, grid, True), requires_grad=False)
        self.decoder_blocks = torch.nn.ModuleList(
            [Block(dec_dim, dec_heads, 4.0, qkv_bias=True, norm_layer=norm) for _ in range(dec_depth)])
        self.decoder_norm = norm(dec_dim)
        self.decoder_pred = torch.nn.Linear(dec_dim, patch * patch * 3)

    def patchify(self, imgs):
        n, c, h, w = imgs.shape
        p = self.patch
        x = imgs.reshape(n, c, h // p, p, w // p, p)
        return torch.einsum("nchpwq->nhwpqc", x).reshape(n, (h // p) * (w // p), p * p * c)

    def forward(self, imgs, noise, ratio=0.75):
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        n, length, d = x.shape
        keep = int(length * (1 - ratio))
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :keep]
        x = torch.gather(x, 1, ids_keep.unsqueeze(-1).repeat(1, 1, d))
        mask = torch.ones(n, length)
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        x = torch.cat([self.cls_token.expand(n, -1, -1), x], dim=1)
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)

        x = self.decoder_embed(x)
        tokens = self.mask_token.repeat(n, length + 1 - x.shape[1], 1)
        y = torch.cat([x[:, 1:, :], tokens], dim=1)
        y = torch.gather(y, 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], y], dim=1) + self.decoder_pos_embed
        for block in self.decoder_blocks:
            x = block(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:, :]

        target = self.patchify(imgs)
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)  # unbiased
        target = (target - mean) / (var + 1e-6) ** 0.5
        loss = ((pred - target) ** 2).mean(dim=-1)
        loss = (loss * mask).sum() / mask.sum()
        return loss, pred, mask, ids_restore


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = TinyMae()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.requires_grad:
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    imgs = torch.randn(2, 3, 32, 32, generator=g)
    noise = torch.rand(2, 16, generator=g)
    loss, pred, mask, ids_restore = model(imgs, noise)
    loss.backward()
    tensors = {"imgs": imgs, "noise": noise, "loss": loss.detach().reshape(()), "pred": pred.detach(),
               "mask": mask, "ids_restore": ids_restore}
    for name, value in model.state_dict().items():
        tensors["param." + name] = value
    for name, p in model.named_parameters():
        if p.requires_grad:
            tensors["grad.param." + name] = p.grad
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(out / "mae_tiny.safetensors"))
    print("loss", loss.item(), "keys", list(model.state_dict().keys()))


if __name__ == "__main__":
    main(sys.argv[1])
