"""Reference values of DocumentKeysTest: a document's split and order keys with Python's hashlib.

d = sha256(seed as 8 big-endian signed bytes + UTF-8 text); split key = d[0:8], order key =
d[8:16], both big-endian signed 64-bit; unit value = (split key as unsigned >> 11) / 2**53.

Run: python3 document_keys.py   (CPython 3.11 gave the output below)

seed 2357 text 'Once upon a time': split -1730022852020074646 order -8088896804324426611 unit 0.9062152732695132 utf8 bytes 16
seed 0 text '': split -5812615543772869766 order -608919109605104113 unit 0.6848974799809221 utf8 bytes 0
"""
import hashlib
import struct

for seed, text in [(2357, "Once upon a time"), (0, "")]:
    d = hashlib.sha256(struct.pack(">q", seed) + text.encode("utf-8")).digest()
    split = struct.unpack(">q", d[0:8])[0]
    order = struct.unpack(">q", d[8:16])[0]
    unit = ((split & (2**64 - 1)) >> 11) / 2**53
    print(f"seed {seed} text {text!r}: split {split} order {order} unit {unit!r}"
          f" utf8 bytes {len(text.encode('utf-8'))}")
