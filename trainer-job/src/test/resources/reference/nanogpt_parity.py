#!/usr/bin/python3
"""Reference values for NanoGptParityTest: nanoGPT's model in PyTorch, two tiny seeded models.

nanoGPT's model.py (the architecture of shared/bench/peer_gpt.py: pre-LayerNorm blocks, causal
self-attention, 4x GELU MLP, learned positions), with nanoGPT's `bias` switch (linear layers and
LayerNorms) and a choice of GELU: erf (`nn.GELU()`, nanoGPT's) or tanh (GPT-2's `gelu_new`).
Two models with seeded random weights, not nanoGPT's N(0, 0.02) but larger, and with perturbed
LayerNorm gains and biases, so that every parameter moves the loss:

  erf_nobias:  erf GELU, no biases, tied head; file without the `transformer.` prefix, with an
               lm_head.weight equal to wte (a tied head as some exporters write it)
  tanh_bias:   tanh GELU, biases, untied head, 10 positions of which the test uses the first 8;
               names with the `transformer.` prefix and the attn.bias / attn.masked_bias buffers
               Hugging Face's GPT2LMHeadModel saves

Each is written as a Hugging Face GPT-2 .safetensors file beside this script (Conv1D weights as
[in, out], i.e. nn.Linear's weight transposed), written by hand: Debian has no safetensors
package. The token stream (4 windows of 8 plus one token), the float32 and float64 losses on
those windows (inputs tokens[i*8 : i*8+8], targets tokens[i*8+1 : i*8+9]) and the float32 logits of
the first window go to nanogpt_parity.json, which the test reads.

Run:  /usr/bin/python3 nanogpt_parity.py      (python3-torch 1.13.0a0, numpy 1.24.2)

Output, pasted:

erf_nobias: 2 layers, 2 heads, width 16, block 8, vocabulary 37, bias False, gelu erf, tied True
  loss float32 4.352099418640137  float64 4.35209948604411
  logits[0, 0, :4] float32 [0.6454099416732788, -1.5829267501831055, -0.05230116844177246, -1.236973524093628]
tanh_bias: 2 layers, 4 heads, width 16, block 8, vocabulary 41, bias True, gelu tanh, tied False
  loss float32 3.988490104675293  float64 3.9884899348423777
  logits[0, 0, :4] float32 [0.9111325144767761, -0.4331797957420349, -0.1154220700263977, 2.2057554721832275]
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCK = 8
WINDOWS = 4


class LayerNorm(nn.Module):
    """nanoGPT's LayerNorm with an optional bias (PyTorch's has none to switch off)."""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


def gelu_new(x):
    """GPT-2's tanh approximation (Hugging Face's gelu_new)."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class CausalSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_attn = nn.Linear(c["n_embd"], 3 * c["n_embd"], bias=c["bias"])
        self.c_proj = nn.Linear(c["n_embd"], c["n_embd"], bias=c["bias"])
        self.n_head = c["n_head"]

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c["n_embd"], 4 * c["n_embd"], bias=c["bias"])
        self.c_proj = nn.Linear(4 * c["n_embd"], c["n_embd"], bias=c["bias"])
        self.gelu = nn.GELU() if c["gelu"] == "erf" else gelu_new

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = LayerNorm(c["n_embd"], c["bias"])
        self.attn = CausalSelfAttention(c)
        self.ln_2 = LayerNorm(c["n_embd"], c["bias"])
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(c["vocab"], c["n_embd"]),
                wpe=nn.Embedding(c["positions"], c["n_embd"]),
                h=nn.ModuleList([Block(c) for _ in range(c["n_layer"])]),
                ln_f=LayerNorm(c["n_embd"], c["bias"]),
            )
        )
        self.lm_head = nn.Linear(c["n_embd"], c["vocab"], bias=False)
        if c["tied"]:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, idx):
        t = idx.size(1)
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def randomize(model, g):
    """Seeded weights that all matter: N(0, 0.3) matrices, gains 1 + N(0, 0.3), biases N(0, 0.2)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
                p.copy_(1.0 + 0.3 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))


def hf_tensors(model, prefix, buffers):
    """The model's parameters under Hugging Face GPT-2 names, Conv1D weights as [in, out]."""
    out = {}
    sd = model.state_dict()
    for name, p in sd.items():
        if name == "lm_head.weight":
            out["lm_head.weight"] = p
            continue
        key = name[len("transformer."):]
        if key in ("wte.weight", "wpe.weight") or ".ln_" in "." + key:
            out[prefix + key] = p
        elif key.startswith("ln_f"):
            out[prefix + key] = p
        elif key.endswith(".weight"):  # nn.Linear [out, in] -> Conv1D [in, out]
            out[prefix + key] = p.t().contiguous()
        else:
            out[prefix + key] = p
    if buffers:
        n = model.c["positions"]
        for i in range(model.c["n_layer"]):
            out[prefix + f"h.{i}.attn.bias"] = torch.tril(torch.ones(n, n)).view(1, 1, n, n)
            out[prefix + f"h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    return out


def write_safetensors(path, tensors):
    """The safetensors layout: u64 LE header length, JSON header (space-padded to 8), raw LE data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def loss_of(model, tokens, dtype):
    m = model.to(dtype)
    x = torch.stack([tokens[i * BLOCK:i * BLOCK + BLOCK] for i in range(WINDOWS)])
    y = torch.stack([tokens[i * BLOCK + 1:i * BLOCK + BLOCK + 1] for i in range(WINDOWS)])
    with torch.no_grad():
        logits = m(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
    return loss.item(), logits


def main():
    torch.set_num_threads(1)
    models = {
        "erf_nobias": dict(n_layer=2, n_head=2, n_embd=16, positions=8, vocab=37, bias=False,
                           gelu="erf", tied=True, prefix="", buffers=False, seed=1),
        "tanh_bias": dict(n_layer=2, n_head=4, n_embd=16, positions=10, vocab=41, bias=True,
                          gelu="tanh", tied=False, prefix="transformer.", buffers=True, seed=2),
    }
    out = {"block": BLOCK, "windows": WINDOWS, "models": {}}
    for name, c in models.items():
        g = torch.Generator().manual_seed(c["seed"])
        model = GPT(c)
        randomize(model, g)
        tensors = hf_tensors(model, c["prefix"], c["buffers"])
        if c["tied"]:
            tensors["lm_head.weight"] = model.transformer.wte.weight
        write_safetensors(os.path.join(HERE, f"nanogpt_parity_{name}.safetensors"), tensors)
        tokens = torch.randint(0, c["vocab"], (WINDOWS * BLOCK + 1,), generator=g)
        loss32, logits32 = loss_of(model, tokens, torch.float32)
        loss64, _ = loss_of(model, tokens, torch.float64)
        print(f"{name}: {c['n_layer']} layers, {c['n_head']} heads, width {c['n_embd']}, block {BLOCK},"
              f" vocabulary {c['vocab']}, bias {c['bias']}, gelu {c['gelu']}, tied {c['tied']}")
        print(f"  loss float32 {loss32!r}  float64 {loss64!r}")
        print(f"  logits[0, 0, :4] float32 {logits32[0, 0, :4].tolist()}")
        out["models"][name] = dict(
            file=f"nanogpt_parity_{name}.safetensors",
            n_layer=c["n_layer"], n_head=c["n_head"], n_embd=c["n_embd"], vocab=c["vocab"],
            bias=c["bias"], gelu=c["gelu"], tied=c["tied"],
            tokens=tokens.tolist(), loss_f32=loss32, loss_f64=loss64,
            logits_window0_f32=logits32[0].flatten().tolist())
    with open(os.path.join(HERE, "nanogpt_parity.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
