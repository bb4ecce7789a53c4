"""The extractor process: ``python -m merchant_screen.tools.extract_server``.

Reads framed requests ``(body, url, content_type, stylesheets)`` from stdin, answers each
with ``("page", ExtractedPage)`` or ``("raise", exception)`` on stdout, and exits at end of
input (so it ends with the process that started it, however that one ends). A frame is an
8-byte big-endian length and a pickle: both ends are this package, over a private pipe,
so nothing the merchant sends is ever unpickled. :mod:`merchant_screen.tools.parsing`
starts and stops these processes; this module imports only what extraction needs.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import IO, Any

__all__ = ["main", "read_frame", "serve", "write_frame"]

_HEAD = struct.Struct(">Q")


def write_frame(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEAD.pack(len(data)))
    stream.write(data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """The next value; EOFError when the other end has gone (or sent half a frame)."""
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        raise EOFError("the other end closed the pipe")
    (size,) = _HEAD.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other end closed the pipe mid-frame")
    return pickle.loads(data)  # noqa: S301 - our own process, over our own pipe


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Extract pages until ``requests`` ends."""
    from merchant_screen.tools.extract import extract_page

    while True:
        try:
            body, url, content_type, stylesheets = read_frame(requests)
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = (
                "page",
                extract_page(body, url, content_type=content_type, stylesheets=stylesheets),
            )
        except Exception as exc:  # handed back to the caller, who raises it
            reply = ("raise", exc)
        try:
            write_frame(replies, reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            write_frame(replies, ("raise", RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))


def main() -> None:
    # Replies get their own copy of stdout; anything else printed goes to stderr.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
