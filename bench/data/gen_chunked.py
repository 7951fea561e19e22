#!/usr/bin/env python3
"""Writes body_chunked_64k.http: a 64 KiB body in 64 chunks of 1 KiB (chunked
transfer coding, RFC 9112 section 7.1), the last chunk and an empty trailer.
The data is printable text from a fixed seed, so the file is reproducible."""
import os
import random

rng = random.Random(7)
alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_\n"
out = bytearray()
for _ in range(64):
    data = bytes(rng.choice(alphabet) for _ in range(1024))
    out += b"400\r\n" + data + b"\r\n"
out += b"0\r\n\r\n"
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "body_chunked_64k.http"), "wb") as f:
    f.write(out)
print(len(out))
