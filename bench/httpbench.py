#!/usr/bin/env python3
"""HTTP timing for the DICOMweb benchmark (bench/dicomweb-bench.sh); standard library only.

  httpbench.py latency [--accept TYPE] [--warmup N] [--samples N] URL...
      GETs the URLs in turn over one kept-alive connection; warm-up requests are not counted.
      Prints "median_ms p90_ms samples bytes_of_last_answer".
  httpbench.py stow [--batch N] URL FILE...
      POSTs the files as multipart/related STOW-RS requests of N instances each, one after the other
      over one connection. The bodies are built before the clock starts. Prints "seconds instances".

Any answer other than 200 ends the run with an error (a benchmark of failures measures nothing).
"""
import argparse
import http.client
import statistics
import sys
import time
import urllib.parse
import uuid


class Client:
    """One kept-alive HTTP/1.1 connection to the host of the first URL."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)

    def request(self, method, url, body=None, headers=None):
        parts = urllib.parse.urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        self.connection.request(method, target, body=body, headers=headers or {})
        response = self.connection.getresponse()
        size = 0
        first = b""
        while True:
            chunk = response.read(1 << 20)
            if not chunk:
                break
            first = first or chunk[:500]
            size += len(chunk)
        if response.status != 200:
            sys.exit(f"httpbench: {method} {url} answered {response.status} {response.reason}: {first!r}")
        return size


def latency(args):
    client = Client(args.urls[0])
    headers = {"Accept": args.accept} if args.accept else {}
    times = []
    size = 0
    for i in range(args.warmup + args.samples):
        url = args.urls[i % len(args.urls)]
        start = time.perf_counter()
        size = client.request("GET", url, headers=headers)
        elapsed = time.perf_counter() - start
        if i >= args.warmup:
            times.append(elapsed * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    print(f"{statistics.median(times):.2f} {p90:.2f} {len(times)} {size}")


def stow(args):
    boundary = "bench-" + uuid.uuid4().hex
    bodies = []
    for first in range(0, len(args.files), args.batch):
        parts = []
        for name in args.files[first:first + args.batch]:
            with open(name, "rb") as f:
                parts.append(b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" + f.read() + b"\r\n")
        parts.append(b"--" + boundary.encode() + b"--\r\n")
        bodies.append(b"".join(parts))
    headers = {"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
               "Accept": "application/dicom+json"}
    client = Client(args.url)
    start = time.perf_counter()
    for body in bodies:
        client.request("POST", args.url, body=body, headers=headers)
    print(f"{time.perf_counter() - start:.3f} {len(args.files)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("latency")
    p.add_argument("--accept")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("urls", nargs="+")
    p.set_defaults(run=latency)
    p = commands.add_parser("stow")
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("url")
    p.add_argument("files", nargs="+")
    p.set_defaults(run=stow)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
