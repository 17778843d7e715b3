"""Reference bytes and hash of TokenShardsTest: a token shard as nanoGPT's prepare.py writes
train.bin (numpy uint16, little-endian) and its SHA-256.

Run: python3 token_shard.py   (numpy 1.24.2 gave the output below)

bytes  00000100ff00000150c4ffff
sha256 3adcd535d773f50c85e69eabe2d729c36067e3b9c450fad3fc50a4f636581e3f
"""
import hashlib

import numpy as np

data = np.array([0, 1, 255, 256, 50256, 65535], dtype=np.uint16).tobytes()
print("bytes ", data.hex())
print("sha256", hashlib.sha256(data).hexdigest())
