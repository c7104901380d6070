"""`RawServer`: a scripted HTTP server on 127.0.0.1 that answers each request with the
exact bytes a test gives it, to send what no well-behaved server would: a body shorter than
its `Content-Length`, a chunked body that stops, a gzip bomb. Every other scripted answer is
`scripted_api`'s. `closed_port` is the opposite: a port where nobody answers."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gzip
import socket
import zlib

import attrs


def closed_port() -> int:
    """A loopback port nobody listens on: a connection there is refused at once."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port: int = listener.getsockname()[1]
    return port


@attrs.frozen
class RawReply:
    """One answer: its status and headers, the body bytes sent (framed as they are), and
    whether the connection closes after them."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    length: int | None = None
    """The `Content-Length` announced: the body's own by default; -1 for none."""

    def encode(self) -> bytes:
        length = len(self.body) if self.length is None else self.length
        lines = [f"HTTP/1.1 {self.status} X", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if length >= 0:
            lines.append(f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


JSON = (("Content-Type", "application/json"),)


def json_reply(status: int, body: bytes, *, length: int | None = None, **headers: str) -> RawReply:
    """A JSON body; `headers` as keywords, `_` for `-` (`Retry_After="7"`)."""
    pairs = tuple((name.replace("_", "-"), value) for name, value in headers.items())
    return RawReply(status, body, JSON + pairs, length)


def gzipped(status: int, body: bytes, encoding: str = "gzip") -> RawReply:
    """A JSON body compressed: `gzip`, `deflate` (zlib-wrapped) or `raw-deflate` (what
    some servers send as `deflate`)."""
    if encoding == "gzip":
        data = gzip.compress(body)
    else:
        wbits = zlib.MAX_WBITS if encoding == "deflate" else -zlib.MAX_WBITS
        compressor = zlib.compressobj(wbits=wbits)
        data = compressor.compress(body) + compressor.flush()
    name = "gzip" if encoding == "gzip" else "deflate"
    return RawReply(status, data, (*JSON, ("Content-Encoding", name)))


def chunked(
    status: int, pieces: list[bytes], *, end: bool = True, headers: tuple[tuple[str, str], ...] = ()
) -> RawReply:
    """A body in chunks, without `Content-Length`; without its last chunk unless `end`."""
    framed = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    body = framed + (b"0\r\n\r\n" if end else b"")
    return RawReply(status, body, (("Transfer-Encoding", "chunked"), *headers), -1)


class RawServer:
    """Answers requests in order with `replies` (the last one repeats), one connection
    each, on a free port of 127.0.0.1 (its `url`) while in use; `requests` holds each
    request's head (request line and headers)."""

    def __init__(self, *replies: RawReply) -> None:
        self._replies = collections.deque(replies)
        self._listening: asyncio.Server | None = None
        self.requests: list[str] = []
        self.url = ""

    async def answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            self.requests.append(head)
            length = next((int(line.split(":", 1)[1]) for line in head.split("\r\n")
                           if line.lower().startswith("content-length:")), 0)  # fmt: skip
            await reader.readexactly(length)
            reply = self._replies[0] if len(self._replies) == 1 else self._replies.popleft()
            writer.write(reply.encode())
            await self._send(writer, reply.body)
        writer.close()

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, body: bytes) -> None:
        """The body in 64 KiB writes, each drained: a client that stops reading stops it."""
        for start in range(0, len(body), 65536):
            writer.write(body[start : start + 65536])
            await writer.drain()

    async def __aenter__(self) -> RawServer:
        self._listening = await asyncio.start_server(self.answer, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._listening.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._listening is not None:
            self._listening.close()
            await self._listening.wait_closed()
