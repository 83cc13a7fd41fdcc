#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that adds latency, for bench/scan-speed.sh's RTT_MS.

    delay_proxy.py [--count FILE] RTT_MS LISTEN_PORT:UPSTREAM_PORT [LISTEN_PORT:UPSTREAM_PORT ...]

Loopback answers in microseconds, which hides how many round trips a scanner waits for one
after the other. This proxy makes each connection cost about what it costs across a link with
that round-trip time: the upstream connect waits one RTT (the TCP handshake before the client's
first byte can arrive), and every chunk waits RTT/2 in each direction. So one connect + hello +
reply exchange takes about 2 RTT, as on a real link. Listens on and connects to 127.0.0.1 only;
stops on SIGTERM. With --count, FILE always holds the number of upstream connections opened so
far (the bench subtracts them from the network namespace's connection counter).
"""

import asyncio
import sys


async def pipe(reader, writer, delay):
    try:
        while data := await reader.read(65536):
            await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


upstream_connections = 0


def counted(count_file):
    global upstream_connections
    upstream_connections += 1
    if count_file:
        with open(count_file, "w") as file:
            file.write(f"{upstream_connections}\n")


async def serve(listen_port, upstream_port, rtt, count_file):
    async def handle(client_reader, client_writer):
        await asyncio.sleep(rtt)
        counted(count_file)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                "127.0.0.1", upstream_port
            )
        except OSError:
            client_writer.close()  # refused upstream: the client sees the connection close
            return
        await asyncio.gather(
            pipe(client_reader, upstream_writer, rtt / 2),
            pipe(upstream_reader, client_writer, rtt / 2),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port, backlog=512)
    async with server:
        await server.serve_forever()


async def main():
    args = sys.argv[1:]
    count_file = None
    if args[:1] == ["--count"]:
        count_file, args = args[1], args[2:]
        with open(count_file, "w") as file:
            file.write("0\n")
    rtt = float(args[0]) / 1000
    pairs = [tuple(int(p) for p in arg.split(":")) for arg in args[1:]]
    await asyncio.gather(
        *(serve(listen, upstream, rtt, count_file) for listen, upstream in pairs)
    )


if __name__ == "__main__":
    asyncio.run(main())
