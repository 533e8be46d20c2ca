"""UUIDv7 (RFC 9562, section 5.7): 48 bits of Unix milliseconds, version 7, 74 random bits.

Rows are written at several sites and merge in the cloud through logical replication, so ids must never
collide without coordination, and should sort by creation time across sites (B-tree inserts stay at the
right edge). Python's uuid module has uuid7() only from 3.14; Debian 12 ships 3.11.
"""
import os
import threading
import time
import uuid


class Uuid7Generator:
    """Makes UUIDv7s; within one generator, ids strictly increase even within one millisecond."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last_ms = 0
        self._last_rand = 0

    def __call__(self, now_ms=None):
        with self._lock:
            ms = int(time.time() * 1000) if now_ms is None else now_ms
            if ms <= self._last_ms:
                # Same (or an earlier, after a clock step) millisecond: keep the time, count the random part
                # up (RFC 9562 6.2, method 2: monotonic random).
                ms = self._last_ms
                rand = self._last_rand + 1
            else:
                rand = int.from_bytes(os.urandom(10), "big") >> 6  # 74 bits
            self._last_ms, self._last_rand = ms, rand
        rand_a = (rand >> 62) & 0xFFF  # 12 bits
        rand_b = rand & ((1 << 62) - 1)  # 62 bits
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
        return uuid.UUID(int=value)


_default = Uuid7Generator()


def uuid7():
    """A UUIDv7 from the process's generator (the model's default for Account.id)."""
    return _default()


def timestamp_ms(u):
    """The Unix milliseconds a UUIDv7 carries."""
    return u.int >> 80
