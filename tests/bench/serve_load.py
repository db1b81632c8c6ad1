#!/usr/bin/python3
# serve_load.py — a bounded load run of fenpei serve on 127.0.0.1 (never another host): N
# `POST /api/check` requests of the bundled table over C keep-alive connections; requests per
# second, latency percentiles, every answer compared with the first, and the server's resident
# memory (VmRSS) along the way. Not a test: a measurement for docs/benchmarks.md.
# usage: serve_load.py FENPEI_BINARY [REQUESTS=10000] [CONNECTIONS=8] [THREADS=2]
import http.client
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'serve'))
from serve_util import Server, multipart, source_dir  # noqa: E402

fenpei = os.path.abspath(sys.argv[1])
total = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
conns = int(sys.argv[3]) if len(sys.argv) > 3 else 8
threads = sys.argv[4] if len(sys.argv) > 4 else '2'
name = 'xinjiang-2024-basic-public-health-batch2.csv'
table = open(os.path.join(source_dir(), 'allocations', name), 'rb').read()
body, ctype = multipart([('file', (name, table))])


def rss_kb(pid):
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
    return -1


def cpu_s(pid):
    """User + system CPU seconds of process PID (all its threads)."""
    f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')


srv = Server(fenpei, '--threads', threads)
pid = srv.proc.pid
lock = threading.Lock()
state = {'next': 0, 'errors': 0, 'first': None}
latencies = []
rss = []
checkpoints = {total // 10, total // 2, total}


def worker(count_warmup):
    c = http.client.HTTPConnection('127.0.0.1', srv.port, timeout=60)
    mine = []
    while True:
        with lock:
            i = state['next']
            if i >= count_warmup:
                break
            state['next'] += 1
        t0 = time.perf_counter()
        c.request('POST', '/api/check', body=body, headers={'Content-Type': ctype})
        r = c.getresponse()
        data = r.read()
        mine.append(time.perf_counter() - t0)
        with lock:
            if state['first'] is None:
                state['first'] = data
            if r.status != 200 or data != state['first']:
                state['errors'] += 1
            if i + 1 in checkpoints:
                rss.append((i + 1, rss_kb(pid)))
    c.close()
    with lock:
        latencies.extend(mine)


def run(n):
    state['next'] = 0
    ts = [threading.Thread(target=worker, args=(n,)) for _ in range(conns)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.perf_counter() - t0


run(500)  # warm up: allocator arenas, page cache
latencies.clear()
rss.clear()
before = rss_kb(pid)
cpu_before = cpu_s(pid)
checkpoints = {total // 10, total // 2, total}
elapsed = run(total)
after = rss_kb(pid)
cpu = cpu_s(pid) - cpu_before
rc, log = srv.stop()
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000


print('requests      %d over %d keep-alive connections, server --threads %s' % (total, conns,
                                                                                 threads))
print('errors        %d (status not 200, or an answer differing from the first)' % state['errors'])
print('throughput    %.0f requests/s (%.2f s)' % (total / elapsed, elapsed))
print('latency ms    p50 %.2f  p90 %.2f  p99 %.2f  max %.2f' % (pct(50), pct(90), pct(99),
                                                                latencies[-1] * 1000))
print('server CPU    %.2f s user+system, %.3f ms per request' % (cpu, cpu / total * 1000))
print('server VmRSS  %d kB after warm-up; %s; %d kB at the end' % (
    before, ', '.join('%d kB after %d' % (kb, n) for n, kb in sorted(rss)), after))
print('log lines     %d' % sum(1 for l in log.splitlines() if '/api/check' in l))
print('server exit   %d' % rc)
