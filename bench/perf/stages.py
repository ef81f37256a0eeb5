#!/usr/bin/env python3
# Splits a CPU profile of a Corridor node into the stages of the README's "Where the time goes per request" table.
# Usage (a bench run's process, 10 s in the middle of its measured part):
#   DOTNET_PerfMapEnabled=1 ./corridor bench http --mode payments ... &
#   perf record -F 999 -g -p <pid> -o perf.data -- sleep 10
#   perf script -i perf.data | python3 bench/perf/stages.py
# Each sample goes to the first stage whose pattern matches a frame, from the sampled frame outwards; a sample under the
# in-process load generator is the load generator's unless it is zeroing memory. Prints a Markdown table.
import sys, re, collections
STAGES = [
 ("zeroing new memory and page faults", re.compile(r"memset|clear_page|exc_page_fault|folio_zero|do_anonymous_page|handle_mm_fault")),
 ("journal append and fdatasync (sequencer)", re.compile(r"fdatasync|ext4_|jbd2|iowrite16|blk_|Corridor\.Storage\.Journal|FileJournal")),
 ("screening and the travel rule (Corridor.Core.Compliance)", re.compile(r"Corridor\.Core\.Compliance")),
 ("engine: settlement, ledger, decoding the command (Corridor.Core)", re.compile(r"Corridor\.Core\.")),
 ("JSON request parsing", re.compile(r"PaymentJson|Utf8JsonReader|RequestBody::Parse|JsonReaderHelper")),
 ("JSON answer writing", re.compile(r"Utf8JsonWriter|JsonConverter|ObjectDefaultConverter|JsonHttpResult|WriteAsJson|JsonSerializer")),
 ("load generator (in process)", re.compile(r"Corridor\.Cli\.Bench")),
 ("endpoint: checks, mapping, encoding, answers", re.compile(r"Corridor\.Server\.Endpoints|Corridor\.Server\.Http|Corridor\.Server\.Auth")),
 ("node plumbing: group commit, hand-offs to the engine", re.compile(r"Corridor\.Storage\.Node|Corridor\.Server\.NodeGateway")),
 ("sockets and loopback TCP", re.compile(r"tcp_|__libc_recv|__libc_send|\bsock_|System\.Net\.Sockets|\bip_|__netif|net_rx|loopback|skb|__x64_sys_(sendto|recvfrom|read|write|epoll)")),
 ("Kestrel HTTP/1.1", re.compile(r"Microsoft\.AspNetCore")),
 ("thread hand-offs (futex, scheduling)", re.compile(r"futex|schedule|finish_task_switch|LowLevelLifoSemaphore|WaitHandle|Monitor")),
]
counts = collections.Counter(); total = 0
comm = None; frames = []
def flush():
    global total
    if comm is None: return
    total += 1
    stage = None
    if any("Corridor.Cli.Bench" in f for f in frames) and not any(STAGES[0][1].search(f) for f in frames[:12]):
        stage = "load generator (in process)"
    for f in ([] if stage else frames):
        for name, rx in STAGES:
            if rx.search(f): stage = name; break
        if stage: break
    if stage is None:
        stage = "GC and runtime (collector, JIT, stubs)" if comm.startswith(".NET BGC") or comm.startswith(".NET Tiered") or comm.startswith(".NET Server GC") else "other (runtime without a managed caller, timers)"
    counts[stage] += 1
for line in sys.stdin:
    if not line.strip():
        flush(); comm = None; frames = []; continue
    if not line.startswith((' ', '\t')):
        flush(); comm = line.split()[0] if line.split() else "?"; frames = []
        # comm may contain spaces (".NET TP Worker"): take text before the pid
        m = re.match(r"^(.*?)\s+\d+(/\d+)?\s", line)
        if m: comm = m.group(1).strip()
    else:
        frames.append(line.strip())
flush()
for name, c in counts.most_common():
    print(f"| {name} | {100.0*c/total:.1f} % |")
print(f"samples: {total}", file=sys.stderr)
