"""UUIDv7 as RFC 9562 lays it out: the fields, the order, and no collisions (plain unittest, no Django)."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from accounts.uuid7 import Uuid7Generator, timestamp_ms, uuid7  # noqa: E402


class Uuid7Test(unittest.TestCase):
    def test_version_and_variant_bits_are_those_of_rfc_9562(self):
        u = uuid7()
        self.assertEqual(u.version, 7)
        self.assertEqual(u.variant, "specified in RFC 4122")

    def test_the_first_48_bits_are_the_unix_milliseconds(self):
        before = int(time.time() * 1000)
        u = uuid7()
        after = int(time.time() * 1000)
        self.assertTrue(before <= timestamp_ms(u) <= after, (before, timestamp_ms(u), after))
        self.assertEqual(timestamp_ms(Uuid7Generator()(now_ms=1_700_000_000_123)), 1_700_000_000_123)

    def test_ids_made_in_one_process_strictly_increase_even_within_one_millisecond(self):
        make = Uuid7Generator()
        ids = [make(now_ms=2_000_000_000_000) for _ in range(1000)]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))
        self.assertTrue(all(timestamp_ms(u) == 2_000_000_000_000 for u in ids))

    def test_ids_sort_by_creation_time(self):
        make = Uuid7Generator()
        first = make(now_ms=3_000_000_000_000)
        later = make(now_ms=3_000_000_000_001)
        self.assertLess(first, later)
        stepped_back = make(now_ms=2_999_999_999_000)  # a clock step back never reorders ids
        self.assertLess(later, stepped_back)
        self.assertLess(str(first), str(later), "text order is time order too (what PostgreSQL's uuid sorts by)")


if __name__ == "__main__":
    unittest.main()
