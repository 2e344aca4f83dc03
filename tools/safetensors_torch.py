"""Reads a float32 safetensors file into a dict of torch tensors with numpy only (no safetensors package needed).
Shared by the forward-pass reference scripts (bert_forward_pytorch.py, gpt_neox_forward_pytorch.py)."""
import json, struct
import numpy as np
import torch


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        assert info["dtype"] == "F32", (name, info["dtype"])
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).reshape(info["shape"]).copy())
    return out
