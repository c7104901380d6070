"""`read_body`: an answer's body, whole, never more than the client's cap once decompressed.

The SDK decompresses bodies itself (aiohttp is asked not to), so a gzip bomb stops at the
cap: a megabyte on the wire that would inflate to a gigabyte costs the cap and no more.
It asks for the encodings it reads (`ACCEPT_ENCODING`). A body cut short (the connection
ended before it did, a chunk or a compressed stream ends early) or one that does not
decompress is a `TruncatedResponseError` that says how much arrived; the caller decides
what that means for the call.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Final

import aiohttp

from .._errors import ResponseTooLargeError, TruncatedResponseError

ACCEPT_ENCODING: Final = "gzip, deflate"
"""The `Accept-Encoding` the SDK sends: the encodings `read_body` decompresses."""

_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS
_ZLIB_WBITS: Final = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS: Final = -zlib.MAX_WBITS


async def read_body(response: aiohttp.ClientResponse, cap: int, label: str) -> bytes:
    """The body of `response` (read with aiohttp's decompression off), decompressed,
    `ResponseTooLargeError` past `cap` bytes, `TruncatedResponseError` if it is cut short
    or does not decompress."""
    encoding = response.headers.get("Content-Encoding")
    try:
        if encoding is None:  # the common case: a body as it was sent
            length = response.content_length
            if length is not None and length <= cap:
                return await response.read()
            return await _read(response, None, cap, label)
        return await _read(response, _Inflater.of(encoding), cap, label)
    except TimeoutError:
        raise
    except (aiohttp.ClientError, OSError, zlib.error, _Unknown) as error:
        raise _cut_off(response, error, label) from None


class _Unknown(Exception):
    """A `Content-Encoding` the SDK cannot read (it asks for `ACCEPT_ENCODING` only)."""


class _Inflater:
    """Decompresses a gzip or deflate body chunk by chunk, never past the room it is given."""

    __slots__ = ("_decompressor", "_encoding", "_wbits")

    def __init__(self, encoding: str, wbits: int | None) -> None:
        self._encoding = encoding
        self._wbits = wbits  # None: deflate, with or without its zlib header
        self._decompressor: zlib._Decompress | None = None

    @classmethod
    def of(cls, encoding: str) -> _Inflater | None:
        """The inflater for a `Content-Encoding`; None for `identity`."""
        name = encoding.strip().lower()
        if name in ("", "identity"):
            return None
        if name in ("gzip", "x-gzip"):
            return cls(name, _GZIP_WBITS)
        if name == "deflate":
            return cls(name, None)
        raise _Unknown(f"Content-Encoding {encoding[:40]!r}: the SDK reads {ACCEPT_ENCODING}")

    def inflate(self, data: bytes, room: int) -> bytes:
        """`data` decompressed: at most `room` bytes, or `room + 1` when it holds more."""
        decompressor = self._decompressor
        if decompressor is None:
            if not data:
                return b""
            wbits = self._wbits
            if wbits is None:  # RFC 1950's header names method 8, else it is raw deflate
                wbits = _ZLIB_WBITS if data[0] & 0x0F == 8 else _RAW_DEFLATE_WBITS
            decompressor = self._decompressor = zlib.decompressobj(wbits)
        return decompressor.decompress(data, room + 1)

    def check_ended(self) -> None:
        """Raises `zlib.error` unless the compressed stream ended (an empty body is one)."""
        if self._decompressor is not None and not self._decompressor.eof:
            raise zlib.error(f"the {self._encoding} stream ends early")


async def _read(
    response: aiohttp.ClientResponse, inflater: _Inflater | None, cap: int, label: str
) -> bytes:
    """The body chunk by chunk, decompressed by `inflater` if any, holding at most `cap`
    bytes of it (and one compressed chunk)."""
    length = response.content_length
    if inflater is None and length is not None:
        raise ResponseTooLargeError(
            f"{label}: the response announces {length} bytes, over the {cap}-byte cap"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_any():
        if inflater is not None:
            chunk = inflater.inflate(chunk, cap - size)
        size += len(chunk)
        if size > cap:
            what = "decompressed response" if inflater is not None else "response"
            raise ResponseTooLargeError(f"{label}: the {what} passed the {cap}-byte cap")
        chunks.append(chunk)
    if inflater is not None:
        inflater.check_ended()
    return b"".join(chunks)


def _cut_off(
    response: aiohttp.ClientResponse, error: BaseException, label: str
) -> TruncatedResponseError:
    """The error for a body that broke off or does not decompress: how, and how much of
    it arrived (never aiohttp's text, which can quote the URL)."""
    headers: Mapping[str, str] = response.headers
    if isinstance(error, _Unknown):
        how = str(error)
    elif isinstance(error, zlib.error):
        encoding = headers.get("Content-Encoding", "")
        how = f"the {encoding[:40]!r} body cannot be decompressed ({error})"
    else:
        how = f"the body broke off ({type(error).__name__})"
    return TruncatedResponseError(
        how,
        status=response.status,
        received=response.content.total_bytes,
        declared=response.content_length,
        headers=headers,
        operation=label,
    )
