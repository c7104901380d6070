"""`max_response_bytes` bounds the body as decompressed: a gzip or deflate bomb (1 MB on the
wire, 1 GiB inflated) fails with `ResponseTooLargeError` once the cap is passed, with or
without `Content-Length`, and the client's memory stays within a small multiple of the cap
(traced with `tracemalloc` around the call)."""

from __future__ import annotations

import struct
import tracemalloc
import zlib

import pytest
from raw_server import JSON, RawReply, RawServer, chunked

from piggy_async import OAuthClient, ResponseTooLargeError

CAP = 8 * 1024 * 1024
INFLATED_MIB = 1024


def _deflate_bomb() -> bytes:
    """Raw deflate of `INFLATED_MIB` MiB of zeros, made fast: one MiB compressed from a
    full flush point, repeated (each piece starts afresh), then the final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()
    return piece * INFLATED_MIB + end


def _bomb(encoding: str) -> bytes:
    """The bomb as `gzip` or zlib-wrapped `deflate`. Its trailing checksum is left zero:
    computing it means reading a GiB, and a client that honours the cap never gets there."""
    if encoding == "gzip":
        size = struct.pack("<I", (INFLATED_MIB << 20) & 0xFFFFFFFF)
        return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + _deflate_bomb() + bytes(4) + size
    return b"\x78\xda" + _deflate_bomb() + bytes(4)


def _replies(encoding: str) -> dict[str, RawReply]:
    body = _bomb(encoding)
    headers = (*JSON, ("Content-Encoding", encoding))
    pieces = [body[start : start + 65536] for start in range(0, len(body), 65536)]
    return {
        f"{encoding}, Content-Length": RawReply(200, body, headers),
        f"{encoding}, chunked": chunked(200, pieces, headers=headers),
    }


async def _peak_while_failing(reply: RawReply) -> int:
    """Bytes the client held at most while its call failed with `ResponseTooLargeError`."""
    async with (
        RawServer(reply) as server,
        OAuthClient(api_key="k", base_url=server.url, max_response_bytes=CAP) as piggy,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError, match="decompressed response passed"):
                await piggy.contacts.get("c-1")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_bomb_stops_at_the_cap_within_a_small_multiple_of_it(encoding: str) -> None:
    for name, reply in _replies(encoding).items():
        assert len(reply.body) < 1.1e6, "about a megabyte on the wire"
        peak = await _peak_while_failing(reply)
        assert peak < 2.5 * CAP, f"{name}: {peak / CAP:.2f}x the cap"


async def test_a_plain_chunked_body_past_the_cap_stops_at_it() -> None:
    reply = chunked(200, [bytes(1 << 20)] * 12, headers=JSON)
    async with (
        RawServer(reply) as server,
        OAuthClient(api_key="k", base_url=server.url, max_response_bytes=CAP) as piggy,
    ):
        with pytest.raises(ResponseTooLargeError, match=f"response passed the {CAP}-byte cap"):
            await piggy.contacts.get("c-1")
