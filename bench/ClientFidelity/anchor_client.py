"""The peer ClientFidelity measures GpuBench's load generator against: a client built the way vLLM's
`vllm bench serve` client is (vllm/benchmarks/lib/endpoint_request_func.py): one aiohttp session,
`response.content.iter_any()`, server-sent events split on blank lines, a timestamp per event taken before its
`json.loads`, and vLLM's `gc.collect()` + `gc.freeze()` before the timed run. It drives the same emission server
(`ClientFidelity server`) with the same requests and prints the same columns as `ClientFidelity client`, so both
clients' errors come from one server in one run.

Usage: python3 anchor_client.py --url http://127.0.0.1:8100 --streams 100,400,1000 --chunks 200
Every timestamp is time.perf_counter_ns(): CLOCK_MONOTONIC on Linux, the clock of the server's Stopwatch stamps.
"""

import argparse
import asyncio
import gc
import json
import os
import resource
import time

import aiohttp


def percentile(sorted_values, p):
    """numpy's default (linear) percentile of an already sorted list, as the load generator computes it."""
    if not sorted_values:
        return 0.0
    h = (len(sorted_values) - 1) * p / 100
    low = int(h)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (h - low) * (sorted_values[high] - sorted_values[low])


def split_events(buffer):
    """Complete events of an SSE buffer (separated by a blank line) and what is left of it."""
    *events, rest = buffer.split(b"\n\n")
    return events, rest


async def one_request(session, url, index, chunks, semaphore):
    """One streamed chat completion; returns the arrival stamps (ns) of its choices-bearing events, or None if it failed."""
    body = {
        "model": "fidelity",
        "messages": [{"role": "user", "content": f"req-{index}"}],
        "max_completion_tokens": chunks,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    async with semaphore:
        arrivals = []
        buffer = b""
        try:
            async with session.post(url + "v1/chat/completions", json=body) as response:
                if response.status != 200:
                    return None
                async for chunk_bytes in response.content.iter_any():
                    events, buffer = split_events(buffer + chunk_bytes)
                    for event in events:
                        event = event.strip()
                        if not event.startswith(b"data: ") or event == b"data: [DONE]":
                            continue
                        timestamp = time.perf_counter_ns()
                        data = json.loads(event[6:])
                        if data.get("choices"):
                            arrivals.append(timestamp)
        except aiohttp.ClientError:
            return None
        return arrivals


async def run_level(session, url, streams, chunks, show):
    async with session.post(url + "reset") as response:
        response.raise_for_status()
    gc.collect()
    gc.freeze()
    semaphore = asyncio.Semaphore(streams)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter_ns()
    results = await asyncio.gather(*(one_request(session, url, i, chunks, semaphore) for i in range(streams)))
    end = time.perf_counter_ns()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    gc.unfreeze()
    async with session.get(url + "emissions") as response:
        emissions = json.loads(await response.read())
    if not show:
        return

    late, ttft, delay, itl = [], [], [], []
    received = 0
    for index, arrivals in enumerate(results):
        if arrivals is None:
            continue
        emitted = emissions[str(index)]
        received += len(arrivals)
        previous = 0.0
        for k, (arrival, sent, due) in enumerate(zip(arrivals, emitted["Sent"], emitted["Due"])):
            d = (arrival - sent) / 1e6
            late.append((sent - due) / 1e6)
            delay.append(d)
            if k == 0:
                ttft.append(d)
            else:
                itl.append(abs(d - previous))
            previous = d
    for values in (late, ttft, delay, itl):
        values.sort()
    cpu_ms = ((cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)) * 1000
    failed = sum(1 for r in results if r is None)
    f = lambda x: f"{x:.3f}"
    print(f"| {streams} | {received / ((end - start) / 1e9):.0f} | {f(percentile(late, 99))} / {f(late[-1])} "
          f"| {f(percentile(ttft, 50))} / {f(percentile(ttft, 99))} "
          f"| {f(percentile(delay, 50))} / {f(percentile(delay, 99))} / {f(delay[-1])} "
          f"| {f(percentile(itl, 50))} | {f(percentile(itl, 99))} | {f(itl[-1])} "
          f"| {cpu_ms / received * 1000:.1f} | {failed} |", flush=True)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8100/")
    parser.add_argument("--streams", default="100,400,1000,2000")
    parser.add_argument("--chunks", type=int, default=200)
    args = parser.parse_args()
    url = args.url.rstrip("/") + "/"
    levels = [int(s) for s in args.streams.split(",")]
    print(f"anchor client (Python {'.'.join(map(str, os.sys.version_info[:3]))}, aiohttp {aiohttp.__version__}), server {url}, "
          f"{args.chunks} chunks per stream, {len(os.sched_getaffinity(0))} cores visible to the client")
    print("| streams | chunks/s | server late p99 / max (ms) | TTFT err p50 / p99 (ms) | arrival delay p50 / p99 / max (ms) "
          "| ITL err p50 (ms) | ITL err p99 (ms) | ITL err max (ms) | client CPU ms / 1,000 chunks | failed |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    timeout = aiohttp.ClientTimeout(total=6 * 60 * 60)
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, enable_cleanup_closed=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await run_level(session, url, min(50, min(levels)), args.chunks, show=False)  # warm-up, as the .NET client does
        for streams in levels:
            await run_level(session, url, streams, args.chunks, show=True)


if __name__ == "__main__":
    asyncio.run(main())
