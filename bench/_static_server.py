"""A static HTTP server: every request is answered with the seed docs' full contact example.

Plain asyncio, one precomputed response, keep-alive: it uses a fraction of a core, so the
client's own cost is what a request benchmark measures. Prints `{"url": ...}` once it serves.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds" / "contacts.get.json"


def body() -> bytes:
    """The seed contact example, compact, as the server sends it."""
    return json.dumps(json.loads(SEED.read_text())).encode()


def _response() -> bytes:
    content = body()
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(content)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + content


class _Static(asyncio.Protocol):
    response = _response()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        requests = self.buffer.count(b"\r\n\r\n")  # GETs only: no bodies
        if requests:
            self.buffer = self.buffer[self.buffer.rfind(b"\r\n\r\n") + 4 :]
            self.transport.write(self.response * requests)


async def main() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Static, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    line = {"url": f"http://127.0.0.1:{port}", "key": "k", "contact_uuid": "123"}
    print(json.dumps(line), flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
